"""Procedure- and problem-centred "cases" and service refinements for the synthesizer.

A *case* ties together what a real dictation of one encounter type contains: the procedure names, the
diagnoses that go with them, the indication/HPI sentences, exam and findings, the operative detail in
order, and the plan. When a note picks a case (always likely for operative notes), its content replaces
the service's generic pools, so an AV-fistula note reads like vascular surgery and a nail avulsion like
podiatry. Formats are the same as :mod:`core.synth.knowledge` (``dx`` is a conditions block).

``EXTRA`` adds items to a service's pools, ``REMOVE`` drops items that made services' boundaries differ
from real practice (e.g. lung biopsies in hematology/oncology, nail avulsion in dermatology).
``EXAM_BLOCKS`` are detailed, service-typical structured exam paragraphs; ``PROBLEM_PLANS`` give each
common chronic problem its own one-line assessment/plan for multi-problem primary-care notes.
"""

from __future__ import annotations

# ------------------------------------------------------------------------------------------- cases

CASES: dict[str, list[dict[str, object]]] = {}

CASES["cardiology_pulmonology"] = [
    dict(procs=["left radiocephalic arteriovenous fistula creation", "left brachiocephalic arteriovenous fistula creation",
                "creation of a right upper arm arteriovenous fistula", "placement of a left forearm loop arteriovenous graft"],
         dx="N18.6|end-stage renal disease|ESRD|end-stage renal disease in need of permanent dialysis access",
         phrases=["{He} has end-stage renal disease and currently dialyzes through a right internal jugular tunneled catheter.",
                  "{He} is referred by nephrology for creation of permanent hemodialysis access.",
                  "Vein mapping showed a cephalic vein of {n} mm at the wrist and a brachial artery of adequate caliber.",
                  "{He} is right-hand dominant, so the nondominant left arm was chosen for access.",
                  "The risks including steal syndrome, thrombosis, failure to mature, bleeding and infection were discussed."],
         exam=["Palpable radial and ulnar pulses bilaterally with a normal Allen test.",
               "The cephalic vein is visible at the wrist with a tourniquet applied.",
               "Right internal jugular tunneled catheter in place, site clean."],
         findings=["Cephalic vein 3.5 mm, brachial artery 4 mm on duplex vein mapping.",
                   "Excellent thrill over the fistula at the completion of the procedure."],
         details=["The left arm was prepped and draped in the usual sterile fashion and a regional block was placed by anesthesia.",
                  "A longitudinal incision was made at the wrist between the radial artery and the cephalic vein.",
                  "The cephalic vein was dissected free, branches ligated with 3-0 silk, and the vein was distended with heparinized saline.",
                  "The radial artery was dissected and controlled proximally and distally with vessel loops.",
                  "[[heparin|Heparin]] was given intravenously prior to clamping.",
                  "An arteriotomy was made and an end-of-vein to side-of-artery anastomosis was performed with running 7-0 Prolene.",
                  "The clamps were released and a good thrill was palpated throughout the vein; the radial pulse remained palpable.",
                  "Hemostasis was obtained and the incision was closed with 4-0 Monocryl in a subcuticular fashion."],
         plan=["The fistula should be allowed to mature for 6 to 8 weeks before cannulation.", "Continue dialysis through the existing catheter.",
               "Arm exercises with a squeeze ball starting in 1 week.", "Follow up in vascular surgery clinic in 2 weeks with fistula duplex."]),
    dict(procs=["placement of a right internal jugular tunneled hemodialysis catheter (Permcath)", "Permcath placement",
                "fistulogram with balloon angioplasty of the venous outflow", "left upper extremity fistulogram",
                "thrombectomy of a left arm arteriovenous graft"],
         dx="""N18.6|end-stage renal disease|ESRD
T82.858A|stenosis of the arteriovenous fistula|venous outflow stenosis of the dialysis access
T82.868A|thrombosed arteriovenous graft|clotted AV graft""",
         phrases=["The dialysis unit reports prolonged bleeding after needle removal and elevated venous pressures.",
                  "{He} presented with a nonfunctioning left arm AV graft with no thrill this morning.",
                  "{He} requires urgent hemodialysis and has no functioning access.",
                  "{His} fistula was created {n} months ago and has been used successfully until this week."],
         exam=["No thrill or bruit over the left forearm graft.", "Pulsatile fistula with a weak thrill.", "The arm is mildly swollen."],
         findings=["Fistulogram demonstrated a 70% stenosis of the cephalic arch.",
                   "After angioplasty with an 8 mm balloon the residual stenosis was less than 20%.",
                   "The catheter tip is at the cavoatrial junction without pneumothorax."],
         details=["The right neck and chest were prepped and draped and the internal jugular vein was imaged with ultrasound and found to be patent.",
                  "Under real-time ultrasound guidance the vein was accessed with a micropuncture needle and a wire advanced into the IVC under fluoroscopy.",
                  "A subcutaneous tunnel was created from the chest wall to the venotomy site.",
                  "The catheter was cut to length, passed through the tunnel and advanced through the peel-away sheath.",
                  "Both ports aspirated and flushed easily and were locked with [[heparin|heparin]].",
                  "The catheter was secured with 2-0 nylon and the venotomy closed with 4-0 Monocryl."],
         plan=["May use the catheter for dialysis today.", "Chest x-ray confirms position.",
               "Resume dialysis on the regular schedule.", "Repeat fistulogram if the access dysfunction recurs."]),
    dict(procs=["right carotid endarterectomy with patch angioplasty", "left carotid endarterectomy", "carotid endarterectomy",
                "carotid artery stenting"],
         dx="""I65.21|right carotid artery stenosis|severe right internal carotid artery stenosis|symptomatic carotid stenosis
I65.22|left carotid artery stenosis|high-grade left internal carotid stenosis
I65.23|bilateral carotid artery stenosis""",
         phrases=["{He} had an episode of transient monocular blindness (amaurosis fugax) in the {side} eye lasting {n} minutes.",
                  "Carotid duplex showed an 80% to 99% stenosis of the {side} internal carotid artery.",
                  "CT angiogram of the neck confirmed a high-grade stenosis with heterogeneous plaque.",
                  "{He} was referred to vascular surgery for carotid endarterectomy."],
         exam=["Bruit over the {side} carotid bifurcation.", "Neurologically intact without focal deficits."],
         findings=["Peak systolic velocity 420 cm/s in the internal carotid artery consistent with greater than 80% stenosis.",
                   "Ulcerated calcified plaque at the carotid bifurcation."],
         details=["An incision was made along the anterior border of the sternocleidomastoid muscle.",
                  "The common, internal and external carotid arteries were exposed and controlled, preserving the hypoglossal and vagus nerves.",
                  "[[heparin|Heparin]] was administered and the arteries clamped; stump pressures were adequate.",
                  "A longitudinal arteriotomy was made and the plaque was removed with a clean distal endpoint.",
                  "The arteriotomy was closed with a bovine pericardial patch using running 6-0 Prolene.",
                  "Flow was restored first to the external and then the internal carotid artery; Doppler signals were excellent.",
                  "The patient awoke neurologically intact in the operating room."],
         plan=["Neuro checks every hour overnight.", "Blood pressure control with systolic below 160.",
               "Continue aspirin and statin.", "Carotid duplex surveillance in 6 months."]),
    dict(procs=["right femoral-popliteal bypass with reversed saphenous vein", "left femoral to below-knee popliteal bypass",
                "angioplasty and stenting of the left superficial femoral artery", "aortobifemoral bypass",
                "left lower extremity angiogram with atherectomy", "right femoral endarterectomy"],
         dx="""I70.213|peripheral arterial disease with claudication|peripheral arterial disease|lifestyle-limiting claudication
I70.221|critical limb ischemia with rest pain|rest pain of the right foot
I73.9|peripheral vascular disease|PVD|PAD
I74.3|acute arterial occlusion of the lower extremity|acute limb ischemia""",
         phrases=["{He} has calf claudication after walking {n} blocks, relieved by rest.",
                  "{He} now has rest pain in the foot at night and sleeps with the leg dependent.",
                  "Ankle-brachial index is 0.{n}4 on the {side} and 0.8 on the contralateral side.",
                  "Arterial duplex shows occlusion of the superficial femoral artery with reconstitution of the popliteal artery.",
                  "{He} has failed a supervised exercise program and cilostazol."],
         exam=["Femoral pulses 2+, popliteal and pedal pulses absent on the {side}.", "Dependent rubor and elevation pallor of the foot.",
               "Hair loss and shiny atrophic skin of the lower leg.", "Monophasic Doppler signals at the dorsalis pedis and posterior tibial arteries."],
         findings=["Ankle-brachial index 0.54 on the right and 0.82 on the left.",
                   "Angiogram shows a 12 cm occlusion of the superficial femoral artery with three-vessel runoff.",
                   "Toe pressures 30 mmHg."],
         details=["The great saphenous vein was harvested through skip incisions and prepared.",
                  "The common femoral artery was exposed through a longitudinal groin incision.",
                  "The below-knee popliteal artery was exposed through a medial incision.",
                  "[[heparin|Heparin]] was given and the vessels clamped.",
                  "The vein was reversed, tunneled anatomically and anastomosed end-to-side to the femoral artery with 6-0 Prolene.",
                  "The distal anastomosis to the popliteal artery was completed and flow restored.",
                  "There were strong Doppler signals in the graft and the dorsalis pedis at completion.",
                  "The wounds were irrigated and closed in layers."],
         plan=["Graft surveillance duplex at 1 month.", "Continue aspirin, clopidogrel and high-intensity statin.",
               "Smoking cessation is essential.", "Ambulate with assistance on postoperative day 1."]),
    dict(procs=["endovascular abdominal aortic aneurysm repair (EVAR)", "open repair of abdominal aortic aneurysm with tube graft",
                "EVAR with bifurcated endograft"],
         dx="I71.40|abdominal aortic aneurysm|AAA|infrarenal abdominal aortic aneurysm",
         phrases=["An abdominal aortic aneurysm measuring {n}.5 cm was found incidentally on CT.",
                  "Surveillance ultrasound shows growth of the aneurysm by 0.{n} cm over the past year.",
                  "{He} has no abdominal or back pain."],
         exam=["Pulsatile, nontender abdominal mass.", "Femoral and pedal pulses palpable bilaterally."],
         findings=["CT angiogram shows a 5.8 cm infrarenal aneurysm with a 2 cm neck suitable for endovascular repair."],
         details=["Bilateral common femoral arteries were accessed percutaneously and preclosed with Perclose devices.",
                  "[[heparin|Heparin]] was administered.", "An aortogram was performed to identify the renal arteries.",
                  "The main body of the endograft was deployed just below the lowest renal artery.",
                  "The contralateral gate was cannulated and the limb deployed into the common iliac artery.",
                  "Completion angiogram showed exclusion of the aneurysm without endoleak.",
                  "The sheaths were removed and the access sites closed."],
         plan=["CT angiogram at 1 month for endoleak surveillance.", "Monitor groin sites and distal pulses."]),
    dict(procs=["IVC filter placement", "inferior vena cava filter insertion", "catheter-directed thrombolysis",
                "pulmonary artery thrombectomy"],
         dx="""I26.99|pulmonary embolism|PE|acute pulmonary embolism
I82.409|deep venous thrombosis|DVT|acute deep vein thrombosis of the lower extremity
I26.09|submassive pulmonary embolism with right heart strain""",
         phrases=["{He} presented with acute pleuritic chest pain, tachycardia and hypoxia.",
                  "CT angiogram of the chest shows bilateral segmental pulmonary emboli.",
                  "Lower extremity duplex shows occlusive thrombus of the femoral and popliteal veins.",
                  "Anticoagulation is contraindicated because of a recent intracranial hemorrhage.",
                  "Wells score is {n}.", "Echocardiogram shows right ventricular dilation."],
         exam=["Tachycardic with oxygen saturation of 90% on room air.", "Left calf swelling and tenderness."],
         findings=["Filling defects in the right and left lower lobe pulmonary arteries.", "RV/LV ratio 1.2."],
         details=["The right internal jugular vein was accessed under ultrasound guidance.",
                  "A cavogram demonstrated a patent IVC of normal caliber with the renal veins at L1.",
                  "The filter was deployed in the infrarenal IVC with its apex below the renal veins.",
                  "Completion imaging confirmed good position.", "The sheath was removed and pressure held."],
         plan=["Start anticoagulation with [[apixaban|anticoagulant]] when safe.", "Filter retrieval in 3 months.",
               "Hypercoagulable workup as an outpatient."]),
    dict(procs=["endovenous radiofrequency ablation of the right great saphenous vein", "stab phlebectomy of varicose veins",
                "high ligation and stripping of the great saphenous vein", "endovenous laser ablation"],
         dx="""I83.811|symptomatic varicose veins of the right leg|varicose veins with pain
I83.812|varicose veins of the left lower extremity with pain
I87.2|chronic venous insufficiency|venous insufficiency""",
         phrases=["{He} has aching, heaviness and swelling of the legs by the end of the day.",
                  "{He} has worn compression stockings for {n} months without relief.",
                  "Venous duplex shows reflux of the great saphenous vein greater than 1 second."],
         exam=["Large tortuous varicosities along the medial thigh and calf.", "Hyperpigmentation at the medial ankle."],
         findings=["Great saphenous vein diameter 8 mm with reflux from the saphenofemoral junction to the knee."],
         details=["The great saphenous vein was accessed at the knee under ultrasound guidance.",
                  "The ablation catheter was positioned 2 cm below the saphenofemoral junction.",
                  "Tumescent anesthesia with dilute [[lidocaine|local anesthetic]] was infiltrated along the vein.",
                  "The vein was treated in 7 cm segments.", "Stab phlebectomies were performed through 2 mm incisions.",
                  "Compression wraps were applied."],
         plan=["Compression stockings for 2 weeks.", "Duplex in 1 week to exclude endothermal heat-induced thrombosis.",
               "Walk frequently."]),
    dict(procs=["dual-chamber permanent pacemaker implantation", "single-chamber pacemaker placement", "AICD placement",
                "biventricular ICD implantation", "generator change"],
         dx="""I44.2|complete heart block|third-degree AV block
I49.5|sick sinus syndrome|tachy-brady syndrome
R00.1|symptomatic bradycardia|bradycardia
I47.20|ventricular tachycardia|sustained VT
I42.0|nonischemic dilated cardiomyopathy|dilated cardiomyopathy""",
         phrases=["{He} has had recurrent presyncope and fatigue with heart rates in the 30s on telemetry.",
                  "Holter monitor demonstrated pauses up to {n} seconds.", "EKG shows complete heart block with a junctional escape rhythm.",
                  "Ejection fraction remains {ef}% despite optimal medical therapy.", "{He} had an episode of sustained VT with syncope."],
         exam=["Bradycardic, regular rhythm.", "Left chest device pocket well healed."],
         findings=["Lead impedances, sensing and thresholds were within normal limits.",
                   "Atrial lead R-wave 3.2 mV, threshold 0.8 V at 0.4 ms."],
         details=["The left deltopectoral region was prepped and infiltrated with [[lidocaine|local anesthetic]].",
                  "The left axillary vein was accessed under fluoroscopy.",
                  "A subcutaneous pocket was created above the pectoralis fascia.",
                  "The ventricular lead was positioned in the right ventricular septum and the atrial lead in the right atrial appendage.",
                  "Sensing and pacing thresholds were tested and were satisfactory.",
                  "The leads were connected to the generator and the pocket irrigated with antibiotic solution.",
                  "The pocket was closed in layers."],
         plan=["Chest x-ray to exclude pneumothorax.", "Arm sling and no lifting of the left arm above the shoulder for 4 weeks.",
               "Device clinic check in 1 week.", "Remote monitoring enrollment."]),
    dict(procs=["transesophageal echocardiogram", "TEE-guided cardioversion", "direct current cardioversion",
                "radiofrequency ablation of atrial flutter", "pulmonary vein isolation"],
         dx="""I48.91|atrial fibrillation|AFib|paroxysmal atrial fibrillation
I48.92|atrial flutter|typical atrial flutter""",
         phrases=["{He} has symptomatic atrial fibrillation with palpitations and fatigue despite rate control.",
                  "{He} has been anticoagulated for more than 3 weeks.", "CHA2DS2-VASc score is {n}.",
                  "{He} was not able to tolerate [[amiodarone|antiarrhythmic therapy]]."],
         exam=["Irregularly irregular rhythm.", "No murmurs."],
         findings=["No thrombus in the left atrial appendage; appendage velocities normal.", "Mild left atrial enlargement.",
                   "Conversion to normal sinus rhythm after a single 200 J synchronized shock."],
         details=["The oropharynx was anesthetized with topical spray and sedation administered.",
                  "The TEE probe was passed into the esophagus without difficulty.",
                  "The left atrial appendage was interrogated in multiple views.",
                  "Pads were placed in the anterior-posterior position and synchronized cardioversion performed.",
                  "The patient converted to sinus rhythm and recovered uneventfully."],
         plan=["Continue anticoagulation for at least 4 weeks.", "Follow up in the arrhythmia clinic.", "Repeat EKG in 1 week."]),
    dict(procs=["coronary artery bypass grafting x4 (LIMA to LAD, SVG to OM, PDA and diagonal)", "CABG x3",
                "aortic valve replacement with a bioprosthetic valve", "mitral valve repair", "left heart catheterization with coronary angiography",
                "percutaneous coronary intervention with drug-eluting stent"],
         dx="""I25.10|multivessel coronary artery disease|three-vessel coronary artery disease|CAD
I20.0|unstable angina|crescendo angina
I21.4|non-ST elevation myocardial infarction|NSTEMI
I35.0|severe aortic stenosis|aortic stenosis
I34.0|severe mitral regurgitation""",
         phrases=["{He} presented with crescendo angina and an NSTEMI with troponin peaking at {n}.2.",
                  "Cardiac catheterization showed left main and three-vessel disease not amenable to PCI.",
                  "Echocardiogram showed an aortic valve area of 0.7 cm2 with a mean gradient of 48 mmHg.",
                  "STS risk score was calculated and the case was discussed by the heart team."],
         exam=["Harsh systolic ejection murmur radiating to the carotids.", "Sternotomy incision healing well."],
         findings=["Left main 60% stenosis, LAD 90%, circumflex 80%, RCA totally occluded.", "Ejection fraction {ef}%."],
         details=["A median sternotomy was performed.", "The left internal mammary artery was harvested as a pedicle.",
                  "The greater saphenous vein was harvested endoscopically from the left leg.",
                  "After heparinization, cardiopulmonary bypass was instituted with aortic and right atrial cannulation.",
                  "The aorta was cross-clamped and cold blood cardioplegia given antegrade and retrograde.",
                  "Distal anastomoses were performed with 7-0 Prolene and proximal anastomoses to the ascending aorta with 6-0 Prolene.",
                  "The patient was weaned from bypass without difficulty; temporary pacing wires and mediastinal chest tubes were placed.",
                  "The sternum was closed with stainless steel wires."],
         plan=["Transfer to the cardiac surgery ICU.", "Cardiac rehabilitation referral.", "Aspirin, beta blocker and statin."]),
    dict(procs=["flexible bronchoscopy with bronchoalveolar lavage and transbronchial biopsies",
                "endobronchial ultrasound with transbronchial needle aspiration of mediastinal lymph nodes", "EBUS-TBNA",
                "navigational bronchoscopy with biopsy of a right upper lobe nodule", "mediastinoscopy with lymph node biopsy",
                "CT-guided needle biopsy of a lung mass"],
         dx="""R91.8|right upper lobe lung mass|lung mass|pulmonary mass
R91.1|pulmonary nodule|solitary pulmonary nodule|spiculated lung nodule
R59.0|mediastinal lymphadenopathy|hilar adenopathy
C34.11|right upper lobe lung cancer|non-small cell lung cancer of the right upper lobe
C34.90|lung cancer|bronchogenic carcinoma
D86.0|pulmonary sarcoidosis""",
         phrases=["CT of the chest shows a {n}.2 cm spiculated right upper lobe mass with enlarged mediastinal lymph nodes.",
                  "{He} is a former smoker with a {n}0 pack-year history.", "PET scan shows the mass is FDG avid with an SUV of 9.",
                  "{He} has had a persistent cough and one episode of hemoptysis.",
                  "The nodule has grown from 7 mm to 12 mm over 6 months on surveillance CT.",
                  "Pulmonary function tests show an FEV1 of {n}5% predicted.",
                  "{He} is referred to pulmonary medicine for tissue diagnosis and staging."],
         exam=["Decreased breath sounds in the right upper lung field.", "No supraclavicular lymphadenopathy.", "Digital clubbing."],
         findings=["Rapid on-site evaluation showed malignant cells at station 4R and 7.",
                   "Bronchoscopy showed an endobronchial lesion partially occluding the right upper lobe bronchus.",
                   "Cytology consistent with non-small cell carcinoma, favor adenocarcinoma.",
                   "BAL cell count with lymphocytosis; cultures pending."],
         details=["Topical [[lidocaine|lidocaine]] was applied to the airway and moderate sedation was administered.",
                  "The bronchoscope was passed through the mouth, the vocal cords were normal and the trachea was inspected.",
                  "The airways were examined to the subsegmental level; the right upper lobe bronchus showed extrinsic compression.",
                  "The EBUS scope was introduced and lymph node stations 4R, 7 and 11R were identified and sampled with a 22-gauge needle.",
                  "Transbronchial biopsies were obtained under fluoroscopic guidance from the right upper lobe.",
                  "Bronchoalveolar lavage was performed with 120 mL of saline and 45 mL returned.",
                  "There was minimal bleeding, controlled with cold saline.",
                  "Post-procedure fluoroscopy showed no pneumothorax."],
         plan=["Await cytology, pathology and molecular markers.", "Chest x-ray in 2 hours.",
               "Discuss at multidisciplinary thoracic tumor board.", "Refer to thoracic surgery if early stage."]),
    dict(procs=["right upper lobectomy by video-assisted thoracoscopic surgery", "VATS wedge resection of the left lower lobe",
                "right thoracotomy with lobectomy and mediastinal lymph node dissection", "VATS decortication"],
         dx="""C34.11|right upper lobe non-small cell lung cancer|stage IA lung adenocarcinoma
R91.1|indeterminate pulmonary nodule|lung nodule
J86.9|empyema|loculated empyema""",
         phrases=["{He} was found to have a {n}.1 cm nodule and biopsy confirmed adenocarcinoma.",
                  "Mediastinal staging with EBUS was negative.", "PFTs show adequate pulmonary reserve for lobectomy.",
                  "{He} was referred to thoracic surgery for resection."],
         exam=["Lungs clear bilaterally.", "Chest tube with no air leak."],
         findings=["Frozen section showed adenocarcinoma with negative bronchial margin.", "No pleural studding."],
         details=["The patient was intubated with a double-lumen endotracheal tube and placed in the left lateral decubitus position.",
                  "Three thoracoscopic ports were placed and single-lung ventilation was established.",
                  "The inferior pulmonary ligament was divided and the hilum dissected.",
                  "The pulmonary vein, arterial branches and bronchus were divided with endoscopic staplers.",
                  "The specimen was removed in a bag and sent for frozen section.",
                  "Mediastinal lymph nodes at stations 2R, 4R, 7 and 10R were dissected.",
                  "A 28-French chest tube was placed and the lung was reinflated under direct vision."],
         plan=["Chest tube to suction, daily chest x-ray.", "Incentive spirometry and early ambulation.",
               "Pain control with epidural analgesia.", "Final pathology to be reviewed at tumor board."]),
    dict(procs=["ultrasound-guided thoracentesis", "right thoracentesis", "chest tube placement", "tube thoracostomy",
                "talc pleurodesis", "tunneled pleural catheter placement"],
         dx="""J90|pleural effusion|right pleural effusion|large left pleural effusion
J91.0|malignant pleural effusion
J93.9|pneumothorax|spontaneous pneumothorax
J86.9|empyema""",
         phrases=["Chest x-ray shows a large right pleural effusion with mediastinal shift.",
                  "{He} has progressive dyspnea and the effusion has reaccumulated after a prior thoracentesis.",
                  "{He} developed sudden pleuritic chest pain and shortness of breath.",
                  "Pleural fluid analysis meets Light's criteria for an exudate."],
         exam=["Dullness to percussion and decreased breath sounds over the right lower hemithorax.",
               "Decreased tactile fremitus at the left base.", "Absent breath sounds on the right."],
         findings=["1.4 L of straw-colored fluid was removed.", "Pleural fluid LDH 540 and protein 4.1.",
                   "Post-procedure chest x-ray shows no pneumothorax and reexpansion of the lung."],
         details=["The patient was seated upright leaning forward.", "The effusion was localized with ultrasound and the site marked.",
                  "The skin was prepped with chlorhexidine and anesthetized with [[lidocaine|local anesthetic]].",
                  "The catheter was advanced over the superior border of the rib into the pleural space.",
                  "Fluid was withdrawn slowly and sent for cell count, chemistry, cultures and cytology.",
                  "The catheter was removed and a sterile dressing applied."],
         plan=["Follow up pleural fluid cytology.", "Repeat chest x-ray in the morning.", "Pulmonary follow-up in 1 week."]),
    dict(procs=["exercise treadmill stress test", "nuclear stress test", "Lexiscan myocardial perfusion imaging",
                "transthoracic echocardiogram", "ankle-brachial index", "carotid duplex ultrasound", "24-hour Holter monitor"],
         dx="""R07.9|chest pain|atypical chest pain
I25.10|coronary artery disease|CAD
R00.2|palpitations
R55|syncope""",
         phrases=["{He} was referred for evaluation of exertional chest discomfort.",
                  "{He} exercised for {n} minutes on the Bruce protocol and achieved 88% of maximal predicted heart rate.",
                  "Resting EKG shows normal sinus rhythm with no ST changes.", "The test was stopped because of fatigue."],
         exam=["Regular rate and rhythm.", "No murmurs, rubs or gallops."],
         findings=["No ST-segment changes with exercise; no arrhythmias.", "Normal myocardial perfusion without ischemia or infarction.",
                   "Small reversible defect of the inferior wall.", "Left ventricular ejection fraction {ef}% with normal wall motion.",
                   "Duke treadmill score of {n}."],
         details=["Baseline EKG and blood pressure were obtained.", "Regadenoson was administered intravenously followed by the radiotracer.",
                  "Rest and stress images were acquired with gated SPECT.", "Blood pressure response was appropriate."],
         plan=["Continue risk factor modification.", "Cardiac catheterization if symptoms persist.", "Follow up with cardiology."]),
]

CASES["orthopedics"] = [
    dict(procs=["L4-L5 decompressive laminectomy", "L4-L5 laminectomy and microdiscectomy", "L5-S1 microdiscectomy",
                "L4-L5 posterior spinal fusion with pedicle screw instrumentation", "transforaminal lumbar interbody fusion (TLIF) L4-L5"],
         dx="""M48.062|lumbar spinal stenosis with neurogenic claudication|lumbar stenosis
M51.16|herniated lumbar disc with radiculopathy|L5-S1 disc herniation
M54.16|lumbar radiculopathy|sciatica
M43.16|degenerative spondylolisthesis of L4-L5|spondylolisthesis""",
         phrases=["{He} has low back pain radiating down the {side} leg to the foot for {n} months.",
                  "{He} can walk only one block before {his} legs become heavy and numb, relieved by sitting or bending forward.",
                  "MRI of the lumbar spine shows severe central canal stenosis at L4-L5 with a large disc herniation.",
                  "{He} has failed physical therapy, NSAIDs and {n} epidural steroid injections.",
                  "{He} is referred to orthopedic spine surgery for surgical consultation.",
                  "There is no bowel or bladder dysfunction."],
         exam=["Positive straight leg raise on the {side} at 40 degrees.", "Extensor hallucis longus weakness 4/5 on the {side}.",
               "Decreased sensation in the L5 dermatome.", "Tenderness over the lumbar paraspinal muscles with limited flexion.",
               "Achilles reflex diminished on the {side}."],
         findings=["Flexion-extension films show 6 mm of translation at L4-L5.",
                   "MRI shows a large extruded disc fragment at L5-S1 compressing the traversing S1 nerve root."],
         details=["The patient was positioned prone on a Jackson table and all bony prominences padded.",
                  "The level was confirmed with fluoroscopy and a midline incision was made.",
                  "Subperiosteal dissection was carried out to expose the lamina bilaterally.",
                  "A laminectomy was performed with a high-speed burr and Kerrison rongeurs.",
                  "The ligamentum flavum was removed and the nerve roots were decompressed.",
                  "The disc herniation was removed with pituitary rongeurs.",
                  "Pedicle screws were placed under fluoroscopic guidance and connected with rods.",
                  "The wound was irrigated, a drain placed and the fascia closed."],
         plan=["Ambulate with physical therapy on postoperative day 1.", "No bending, lifting or twisting for 6 weeks.",
               "Lumbar brace when up.", "Follow up in spine clinic in 2 weeks."]),
    dict(procs=["anterior cervical discectomy and fusion C5-C6", "ACDF C6-C7", "cervical laminoplasty",
                "kyphoplasty of L1", "T12 kyphoplasty", "vertebroplasty"],
         dx="""M50.121|cervical disc herniation with radiculopathy|cervical radiculopathy
M54.12|cervical radiculopathy
M48.02|cervical spinal stenosis
M80.08XA|osteoporotic compression fracture|vertebral compression fracture
S32.010A|L1 compression fracture""",
         phrases=["{He} has neck pain radiating into the {side} arm with numbness of the thumb and index finger.",
                  "{He} slipped and fell and has had severe midback pain since.",
                  "X-rays show a 40% wedge compression fracture of L1.", "MRI shows bone marrow edema consistent with an acute fracture.",
                  "MRI of the cervical spine shows a disc osteophyte complex at C5-C6 with foraminal stenosis."],
         exam=["Spurling test positive on the {side}.", "Biceps weakness 4/5.", "Point tenderness over the thoracolumbar junction."],
         findings=["Vertebral body height was restored with cement without extravasation."],
         details=["The patient was placed prone and the pedicles localized under biplanar fluoroscopy.",
                  "Trocars were advanced through the pedicles into the vertebral body.",
                  "Balloon tamps were inflated with partial restoration of height.",
                  "Polymethylmethacrylate cement was injected under continuous fluoroscopy.",
                  "A transverse incision was made in a skin crease of the neck and the platysma divided.",
                  "The disc was removed and an interbody spacer placed with an anterior cervical plate."],
         plan=["Soft collar for comfort.", "DEXA scan and osteoporosis treatment.", "Follow-up x-rays in 2 weeks."]),
    dict(procs=["right carpal tunnel release", "endoscopic carpal tunnel release", "trigger finger release of the right middle finger",
                "de Quervain release", "excision of a dorsal wrist ganglion cyst"],
         dx="""G56.01|right carpal tunnel syndrome|carpal tunnel syndrome
M65.331|trigger finger of the right middle finger|stenosing tenosynovitis
M65.4|de Quervain tenosynovitis
M67.431|ganglion cyst of the right wrist""",
         phrases=["{He} has numbness and tingling of the thumb, index and middle fingers that wakes {him} at night.",
                  "{He} has painful catching and locking of the finger, worse in the morning.",
                  "Nerve conduction studies confirmed moderate median neuropathy at the wrist.",
                  "{He} has worn a night splint and had a cortisone injection with only temporary relief."],
         exam=["Positive Tinel sign over the carpal tunnel and positive Phalen test.", "Thenar atrophy.",
               "Tender nodule at the A1 pulley with triggering.", "Positive Finkelstein test."],
         findings=["The median nerve was flattened and hyperemic beneath the transverse carpal ligament."],
         details=["A well-padded tourniquet was applied to the upper arm.",
                  "A longitudinal incision was made in the palm in line with the radial border of the ring finger.",
                  "The palmar fascia was divided and the transverse carpal ligament identified.",
                  "The transverse carpal ligament was released completely under direct vision, protecting the median nerve.",
                  "The A1 pulley was incised and the finger was taken through a full range of motion without triggering.",
                  "The skin was closed with 4-0 nylon and a soft dressing applied."],
         plan=["Elevate the hand and move the fingers.", "Sutures out in 10 to 14 days.", "Hand therapy as needed."]),
    dict(procs=["right bunionectomy with distal first metatarsal osteotomy", "Austin bunionectomy", "Lapidus bunionectomy",
                "hammertoe correction of the second toe with PIP joint arthroplasty", "excision of Morton neuroma",
                "plantar fascia release"],
         dx="""M20.11|hallux valgus of the right foot|bunion|painful bunion
M20.12|hallux valgus of the left foot
M20.41|hammertoe of the right second toe|hammertoe deformity
G57.61|Morton neuroma|interdigital neuroma of the third intermetatarsal space
M72.2|plantar fasciitis""",
         phrases=["{He} has a painful bunion that rubs in shoes and has failed wider shoe gear and padding.",
                  "{He} has pain and burning in the ball of the foot radiating into the third and fourth toes.",
                  "{He} has first-step heel pain in the morning for {n} months.",
                  "{He} was seen in podiatry clinic and has failed orthotics and injections."],
         exam=["Lateral deviation of the hallux with a prominent, erythematous medial eminence.",
               "Positive Mulder click in the third interspace.", "Flexion contracture of the second PIP joint with a dorsal corn.",
               "Tenderness at the medial calcaneal tubercle.", "Dorsalis pedis and posterior tibial pulses palpable."],
         findings=["Hallux valgus angle 34 degrees, intermetatarsal angle 15 degrees.", "Calcaneal spur on the lateral view."],
         details=["An ankle tourniquet was applied and the foot prepped and draped.",
                  "A dorsomedial incision was made over the first metatarsophalangeal joint.",
                  "A capsulotomy was performed and the medial eminence resected with a sagittal saw.",
                  "A chevron osteotomy was made and the capital fragment shifted laterally and fixed with a cannulated screw.",
                  "The capsule was plicated and the skin closed with 4-0 nylon.",
                  "A dorsal linear incision was made over the second PIP joint and the head of the proximal phalanx resected.",
                  "A K-wire was placed across the joint for stabilization."],
         plan=["Heel weight bearing in a postoperative shoe.", "Elevate the foot.", "Sutures out in 2 weeks.",
               "Follow up in podiatry clinic in 1 week."]),
    dict(procs=["partial nail avulsion with chemical matrixectomy of the right hallux", "total nail avulsion",
                "excisional debridement of a diabetic foot ulcer", "debridement of a plantar ulcer to subcutaneous tissue",
                "excision of plantar warts", "incision and drainage of a foot abscess", "amputation of the second toe"],
         dx="""L60.0|ingrown toenail|onychocryptosis of the right great toe|paronychia with ingrown nail
E11.621|diabetic foot ulcer|type 2 diabetes with foot ulcer
L97.519|chronic ulcer of the right foot|plantar ulcer of the right forefoot
B07.0|plantar wart|verruca plantaris
M86.171|osteomyelitis of the foot""",
         phrases=["{He} has a painful, red, swollen ingrown toenail on the medial border of the {side} great toe.",
                  "{He} is a diabetic with neuropathy and has a nonhealing ulcer under the first metatarsal head for {n} weeks.",
                  "{He} has had painful lesions on the bottom of the foot that hurt with walking.",
                  "The wound has been treated with offloading and dressing changes.",
                  "{He} is seen in podiatry clinic for routine diabetic foot care."],
         exam=["Medial nail border incurvated with granulation tissue and mild erythema.",
               "Full-thickness ulcer 1.5 x 1.2 cm with a fibrotic base and surrounding callus; no probe to bone.",
               "Protective sensation absent to 10 g monofilament.", "Hyperkeratotic lesions with pinpoint bleeding on debridement.",
               "Pedal pulses diminished but palpable."],
         findings=["X-rays of the foot show no osteomyelitis or gas in the soft tissues.", "Ulcer measures 1.2 x 1.0 x 0.3 cm after debridement."],
         details=["A digital block was performed with 3 mL of 1% [[lidocaine|local anesthetic]] plain.",
                  "A tourniquet was applied at the base of the toe.",
                  "The offending medial nail border was freed and avulsed with an English anvil.",
                  "Phenol was applied to the nail matrix for three 30-second applications and neutralized with alcohol.",
                  "The ulcer was sharply debrided of nonviable tissue down to bleeding subcutaneous tissue with a curette.",
                  "Silvadene and a dry sterile dressing were applied."],
         plan=["Soak the foot in warm water and Epsom salt twice daily.", "Offloading with a surgical shoe.",
               "Daily dressing changes.", "Strict glucose control.", "Return to podiatry clinic in 1 to 2 weeks."]),
    dict(procs=["ankle sprain evaluation", "application of a short leg cast", "closed reduction and casting of a distal radius fracture",
                "repair of a 4 cm laceration of the left hand", "layered closure of a forearm laceration", "Achilles tendon repair"],
         dx="""S93.401A|right ankle sprain|inversion ankle sprain
S52.531A|distal radius fracture|Colles fracture
S61.412A|laceration of the left hand|left hand laceration
S81.811A|laceration of the right lower leg
S86.011A|Achilles tendon rupture""",
         phrases=["{He} rolled {his} ankle playing soccer and heard a pop, with immediate swelling.",
                  "{He} cut {his} hand on a piece of glass while washing dishes.",
                  "{He} fell on an outstretched hand and has wrist pain and deformity.",
                  "{He} felt like someone kicked {him} in the back of the heel while playing basketball.",
                  "Tetanus status is up to date."],
         exam=["Swelling and ecchymosis over the lateral malleolus with tenderness over the ATFL.",
               "A 4 cm linear laceration without tendon exposure; flexor and extensor function intact.",
               "Dinner-fork deformity of the wrist.", "Positive Thompson test.", "Neurovascularly intact distally."],
         findings=["No fracture on three views of the ankle.", "Dorsally angulated distal radius fracture; after reduction alignment is anatomic."],
         details=["The wound was irrigated with 500 mL of normal saline and explored; no foreign body was seen.",
                  "The laceration was closed with interrupted 4-0 nylon sutures.",
                  "A hematoma block was performed and the fracture reduced with traction.",
                  "A well-padded sugar-tong splint was applied and post-reduction films obtained."],
         plan=["RICE: rest, ice, compression and elevation.", "Air cast and weight bearing as tolerated.",
               "Suture removal in 10 days.", "Return for a cast check in 1 week."]),
    dict(procs=["right total knee arthroplasty", "left total hip arthroplasty", "right knee arthroscopy with partial medial meniscectomy",
                "arthroscopic rotator cuff repair", "arthroscopic ACL reconstruction", "hemiarthroplasty of the left hip",
                "intertrochanteric hip fracture fixation with intramedullary nail", "intra-articular knee injection"],
         dx="""M17.11|osteoarthritis of the right knee|right knee degenerative joint disease
M16.11|osteoarthritis of the right hip|degenerative arthritis of the hip
M23.221|medial meniscus tear
M75.121|complete rotator cuff tear of the right shoulder|rotator cuff tear
S83.511A|ACL tear|anterior cruciate ligament rupture
S72.001A|left hip fracture|femoral neck fracture""",
         phrases=["{He} has had progressive knee pain for {n} years that now limits walking to one block.",
                  "{He} has failed NSAIDs, activity modification, physical therapy and cortisone injections.",
                  "{He} has night pain in the shoulder and weakness lifting the arm overhead.",
                  "{He} fell at home and was unable to bear weight, with the leg shortened and externally rotated."],
         exam=["Varus alignment with medial joint line tenderness and crepitus.", "Range of motion 5 to 105 degrees.",
               "Positive drop-arm test.", "Lachman test positive.", "Pain with log roll of the hip."],
         findings=["Bone-on-bone arthritis of the medial compartment.", "Full-thickness supraspinatus tear with retraction on MRI."],
         details=["A thigh tourniquet was applied and inflated to 300 mmHg.", "A medial parapatellar arthrotomy was performed.",
                  "The distal femoral and proximal tibial cuts were made with cutting guides and the knee balanced.",
                  "The components were cemented into place and the patella resurfaced.",
                  "Arthroscopic portals were established and the glenohumeral joint inspected.",
                  "Two suture anchors were placed in the greater tuberosity and the tendon repaired in a double-row fashion.",
                  "The wound was closed in layers and a sterile dressing applied."],
         plan=["Weight bearing as tolerated with a walker.", "DVT prophylaxis for 4 weeks.", "Physical therapy starting today.",
               "Sling for 6 weeks.", "Follow up in orthopedic clinic in 2 weeks for wound check and x-rays."]),
]

CASES["hematology_oncology"] = [
    dict(procs=["cycle 3 of R-CHOP chemotherapy", "cycle 4 of FOLFOX", "cycle 2 of carboplatin and paclitaxel",
                "cycle 1 day 1 of AC chemotherapy", "bortezomib, lenalidomide and dexamethasone (VRd)", "ABVD cycle 2"],
         dx="""C83.30|diffuse large B-cell lymphoma|DLBCL|stage III DLBCL
C18.7|stage III adenocarcinoma of the sigmoid colon|colon cancer|T3 N1 M0 colon cancer
C50.911|right breast cancer|stage IIA ER-positive HER2-negative invasive ductal carcinoma
C90.00|multiple myeloma|IgG kappa multiple myeloma
C81.90|Hodgkin lymphoma|classical Hodgkin lymphoma
C56.9|stage IIIC ovarian cancer|high-grade serous ovarian carcinoma""",
         phrases=["{He} presents for cycle {n} day 1 of chemotherapy.", "{He} tolerated the last cycle with grade 1 nausea and fatigue.",
                  "{He} had grade 2 peripheral neuropathy from oxaliplatin, so the dose was reduced by 20%.",
                  "Restaging PET/CT after {n} cycles shows a complete metabolic response.",
                  "CEA has decreased from 45 to {n}.1.", "{His} ECOG performance status is {n}.",
                  "The port is functioning well without signs of infection.",
                  "{He} was admitted last cycle with neutropenic fever and received growth factor support."],
         exam=["Right chest port-a-cath site clean without erythema.", "No palpable cervical, axillary or inguinal adenopathy.",
               "Mild oral mucositis.", "Alopecia.", "ECOG 1."],
         findings=["ANC {n}.1, hemoglobin {hgb}, platelets {plt}; counts adequate to proceed.",
                   "PET/CT shows interval resolution of FDG-avid adenopathy, Deauville score 2.",
                   "CA 27-29 within normal limits.", "Serum free light chain ratio improved to 3.2."],
         details=["The port was accessed with a 20-gauge Huber needle and flushed with good blood return.",
                  "Premedications included [[ondansetron|antiemetic]] and [[dexamethasone|steroid]].",
                  "Chemotherapy was infused per protocol without hypersensitivity reaction.",
                  "The port was flushed with heparinized saline and deaccessed."],
         plan=["Proceed with cycle {n} as scheduled.", "Pegfilgrastim on day 2.", "Restaging PET/CT after cycle 4.",
               "Antiemetics as needed.", "Return precautions for fever above 100.4 reviewed.", "Referral to radiation oncology for consolidative radiation."]),
    dict(procs=["bone marrow aspiration and biopsy", "posterior iliac crest bone marrow biopsy", "flow cytometry and cytogenetics"],
         dx="""C92.00|acute myeloid leukemia|AML
D46.9|myelodysplastic syndrome|MDS
C91.10|chronic lymphocytic leukemia|CLL
D61.818|pancytopenia
C90.00|multiple myeloma""",
         phrases=["{He} was referred for pancytopenia with circulating blasts on the peripheral smear.",
                  "{He} has had recurrent infections and easy bruising.", "SPEP showed an M-spike of 2.{n} g/dL.",
                  "Flow cytometry of the peripheral blood showed a CD5-positive, CD23-positive clonal B-cell population."],
         exam=["Scattered petechiae over the lower extremities.", "Splenomegaly 3 cm below the left costal margin."],
         findings=["Hypercellular marrow (90%) with 45% myeloblasts.", "Cytogenetics showed a normal karyotype; FLT3 and NPM1 pending.",
                   "Plasma cells 30% of the marrow cellularity."],
         details=["The patient was placed in the lateral decubitus position and the posterior iliac crest was identified.",
                  "The area was prepped and anesthetized with [[lidocaine|local anesthetic]].",
                  "A Jamshidi needle was advanced into the marrow cavity and an aspirate obtained for smears, flow cytometry and cytogenetics.",
                  "A 1.5 cm core biopsy was obtained.", "Pressure was held and a sterile dressing applied."],
         plan=["Await marrow pathology, flow cytometry and molecular studies.", "Transfuse for hemoglobin below 7 or platelets below 10,000.",
               "Discuss induction chemotherapy and stem cell transplant referral."]),
    dict(procs=["exchange transfusion", "packed red blood cell transfusion", "IV iron infusion", "IVIG infusion",
                "factor VIII infusion", "therapeutic phlebotomy"],
         dx="""D57.00|sickle cell disease with pain crisis|sickle cell crisis|Hb SS disease
D69.3|immune thrombocytopenic purpura|ITP
D66|hemophilia A|factor VIII deficiency
D50.0|iron deficiency anemia due to chronic blood loss|iron deficiency anemia
D45|polycythemia vera""",
         phrases=["{He} has Hb SS disease and presents with a pain crisis in the back and legs, similar to prior crises.",
                  "{He} is on [[hydroxyurea|hydroxyurea]] and has had {n} admissions for crises this year.",
                  "Platelet count was 8,000 with petechiae and gum bleeding.",
                  "{He} has severe hemophilia A with factor VIII activity less than 1% and a target joint in the right knee.",
                  "{He} could not tolerate oral iron and ferritin remains 6.",
                  "JAK2 V617F mutation is positive and hematocrit is 5{n}%."],
         exam=["Scleral icterus.", "Petechiae on the palate and lower extremities.", "Right knee hemarthrosis."],
         findings=["Reticulocyte count 12%, LDH elevated, haptoglobin undetectable.", "Hemoglobin S 85%.",
                   "Iron saturation 4%, ferritin 6."],
         details=["Two units of leukoreduced, phenotypically matched packed red blood cells were transfused.",
                  "Ferric carboxymaltose 750 mg IV was infused over 15 minutes without reaction.",
                  "IVIG 1 g/kg was given."],
         plan=["IV fluids, incentive spirometry and patient-controlled analgesia.", "Goal hemoglobin S below 30%.",
               "Repeat CBC and platelet count in 1 week.", "Second iron infusion in 1 week.", "Follow up in hematology clinic."]),
]

CASES["neurology_neurosurgery"] = [
    dict(procs=["craniotomy for evacuation of subdural hematoma", "burr hole drainage of chronic subdural hematoma",
                "ventriculoperitoneal shunt placement", "right frontal craniotomy for tumor resection", "stereotactic brain biopsy"],
         dx="""S06.5X0A|subdural hematoma|acute on chronic subdural hematoma
G91.2|normal pressure hydrocephalus|NPH
C71.9|glioblastoma|brain tumor|high-grade glioma
D32.9|meningioma""",
         phrases=["{He} fell {n} weeks ago and now has progressive headache, confusion and left-sided weakness.",
                  "CT head shows a 2 cm mixed-density subdural hematoma with 8 mm of midline shift.",
                  "{He} has a triad of gait apraxia, urinary incontinence and cognitive decline.",
                  "Lumbar drain trial produced marked improvement in gait.",
                  "MRI brain shows a ring-enhancing mass in the right frontal lobe with surrounding vasogenic edema."],
         exam=["Glasgow Coma Scale 14.", "Left pronator drift.", "Magnetic, shuffling gait.", "Papilledema bilaterally."],
         findings=["Postoperative CT shows evacuation of the hematoma with resolution of midline shift.",
                   "Frozen section consistent with high-grade glioma."],
         details=["The head was fixed in Mayfield pins and neuronavigation registered.",
                  "A question-mark incision was made and a bone flap elevated with the craniotome.",
                  "The dura was opened in a cruciate fashion and the hematoma evacuated with irrigation and suction.",
                  "The ventricular catheter was passed into the frontal horn with return of clear CSF.",
                  "The distal catheter was tunneled subcutaneously to the abdomen and placed in the peritoneum.",
                  "The dura was closed in a watertight fashion and the bone flap replaced with titanium plates."],
         plan=["Neuro checks every hour.", "Repeat CT head in 24 hours.", "Seizure prophylaxis with [[levetiracetam|an antiepileptic]].",
               "Hold anticoagulation.", "Radiation oncology and neuro-oncology referral after pathology."]),
    dict(procs=["EEG", "routine EEG", "video EEG monitoring", "lumbar puncture"],
         dx="""G40.909|epilepsy|seizure disorder
R56.9|new-onset seizure|first unprovoked seizure
G40.209|focal epilepsy with impaired awareness|complex partial seizures""",
         phrases=["{He} had a witnessed generalized tonic-clonic seizure lasting {n} minutes with tongue biting and postictal confusion.",
                  "{He} describes episodes of staring with lip smacking and no recall, preceded by a rising epigastric sensation.",
                  "{He} missed several doses of {his} antiepileptic medication.", "There is no history of febrile seizures or head trauma."],
         exam=["Lateral tongue laceration.", "Nonfocal neurologic examination."],
         findings=["Background rhythm 9 Hz posterior dominant alpha, reactive to eye opening.",
                   "Intermittent left temporal sharp waves during drowsiness.", "No electrographic seizures were captured.",
                   "Photic stimulation produced symmetric driving.", "Impression: abnormal EEG due to focal epileptiform discharges over the left temporal region."],
         details=["Electrodes were placed according to the international 10-20 system.",
                  "The recording included wakefulness, drowsiness and stage 2 sleep.",
                  "Hyperventilation and photic stimulation were performed."],
         plan=["Start [[levetiracetam|antiepileptic medication]].", "No driving for 6 months per state law.",
               "MRI brain with epilepsy protocol.", "Seizure precautions reviewed."]),
    dict(procs=["EMG and nerve conduction studies of the upper extremities", "EMG/NCS of the lower extremities"],
         dx="""G62.9|peripheral neuropathy|length-dependent sensorimotor polyneuropathy
E11.42|diabetic peripheral neuropathy
G56.01|right carpal tunnel syndrome|median neuropathy at the wrist
G61.0|Guillain-Barre syndrome""",
         phrases=["{He} notes numbness and burning of both feet that has progressed up to the ankles over {n} years.",
                  "{He} was referred for electrodiagnostic evaluation of hand numbness and weakness.",
                  "{He} developed ascending weakness over {n} days after a diarrheal illness."],
         exam=["Decreased sensation to pinprick and vibration in a stocking distribution.", "Ankle reflexes absent bilaterally.",
               "Areflexia with symmetric proximal and distal weakness."],
         findings=["Prolonged distal motor latency of the right median nerve.",
                   "Reduced sensory nerve action potential amplitudes in the lower extremities.",
                   "Needle EMG shows no active denervation.", "Prolonged F-wave latencies and conduction block."],
         details=["Motor and sensory nerve conduction studies were performed with surface electrodes at a limb temperature above 32 degrees C.",
                  "Needle examination was performed in selected muscles."],
         plan=["B12, folate, TSH, SPEP and A1c.", "IVIG 0.4 g/kg daily for 5 days.", "Foot care and fall precautions."]),
]

CASES["dermatology"] = [
    dict(procs=["Mohs micrographic surgery", "Mohs surgery with a bilobed flap repair", "shave biopsy", "punch biopsy",
                "excision with 1 cm margins"],
         dx="""C44.91|basal cell carcinoma|nodular basal cell carcinoma of the nasal ala
C44.92|squamous cell carcinoma of the skin|invasive squamous cell carcinoma
C43.9|malignant melanoma|superficial spreading melanoma
D03.9|melanoma in situ""",
         phrases=["{He} presents with a pearly papule on the {side} nasal ala that bleeds intermittently.",
                  "Shave biopsy showed nodular basal cell carcinoma extending to the deep margin.",
                  "{He} has a history of extensive sun exposure and multiple prior nonmelanoma skin cancers.",
                  "{He} noticed a changing pigmented lesion on the upper back."],
         exam=["A 9 mm pearly translucent papule with rolled borders and arborizing telangiectasias.",
               "An 8 mm asymmetric macule with irregular borders and variegated brown-black color.",
               "Scaly hyperkeratotic erythematous nodule on the dorsal hand."],
         findings=["Dermoscopy shows an atypical pigment network with regression structures.",
                   "Clear margins were obtained after two Mohs stages."],
         details=["The lesion was marked with a 2 mm margin and anesthetized with [[lidocaine|local anesthetic]] with epinephrine.",
                  "The first Mohs stage was excised at a 45-degree bevel, mapped, color-coded and processed with frozen sections.",
                  "Residual tumor was noted at the 3 o'clock margin and a second stage was taken.",
                  "The final defect measured 1.4 x 1.2 cm and was repaired with a bilobed transposition flap.",
                  "Hemostasis was achieved with electrocautery and the wound was closed with 5-0 nylon."],
         plan=["Pressure dressing for 48 hours.", "Suture removal in 1 week.", "Full skin examination every 6 months.",
               "Strict photoprotection."]),
    dict(procs=["full skin examination", "cryotherapy of actinic keratoses", "narrowband UVB phototherapy",
                "intralesional triamcinolone injection", "patch testing"],
         dx="""L40.0|plaque psoriasis|psoriasis vulgaris
L20.9|atopic dermatitis|eczema
L70.0|acne vulgaris
L71.9|rosacea|papulopustular rosacea
L57.0|actinic keratoses
L23.9|allergic contact dermatitis
L21.9|seborrheic dermatitis""",
         phrases=["{He} has had itchy, scaly plaques on the elbows, knees and scalp for {n} years.",
                  "{He} has a long history of eczema with flares in the winter.",
                  "{He} has had inflammatory acne on the face, chest and back that has not responded to topical therapy.",
                  "{He} has facial flushing triggered by heat, alcohol and spicy foods.",
                  "{He} developed an itchy vesicular rash after using a new hair dye.",
                  "Body surface area involvement is about {n}%."],
         exam=["Well-demarcated erythematous plaques with thick silvery scale on the extensor elbows and knees.",
               "Lichenified eczematous plaques with excoriations in the antecubital and popliteal fossae.",
               "Open and closed comedones with inflammatory papules and pustules on the cheeks and forehead.",
               "Central facial erythema with telangiectasias and scattered papulopustules.",
               "Multiple rough, gritty erythematous papules with adherent scale on the scalp and dorsal hands.",
               "Greasy yellow scale on the nasolabial folds and eyebrows.", "Nail pitting and onycholysis.",
               "Erythematous papulovesicular eruption in a linear distribution on the forearms."],
         findings=["PASI score {n}2.", "Patch test positive for paraphenylenediamine at 96 hours."],
         details=["Liquid nitrogen was applied with a cryospray to each lesion for a 10-second freeze-thaw cycle.",
                  "Triamcinolone 10 mg/mL was injected intralesionally."],
         plan=["Topical [[clobetasol|steroid]] ointment twice daily for 2 weeks, then weekends only.",
               "Gentle skin care, fragrance-free emollients and short lukewarm showers.", "Consider biologic therapy if BSA remains above 10%.",
               "Avoid the identified allergen.", "Return in 6 weeks to assess response."]),
]

# ------------------------------------------------------------------------------- pool refinements

EXTRA: dict[str, dict[str, object]] = {
    "cardiology_pulmonology": dict(
        specialty=["vascular surgery", "thoracic surgery", "interventional pulmonology", "electrophysiology"],
        titles=["VASCULAR SURGERY CONSULTATION", "THORACIC SURGERY CONSULTATION", "BRONCHOSCOPY REPORT", "OPERATIVE REPORT",
                "ECHOCARDIOGRAM REPORT", "STRESS TEST REPORT"],
        conditions="""I65.21|right carotid artery stenosis|carotid stenosis
I70.213|peripheral arterial disease with claudication|claudication
I83.811|varicose veins of the right leg with pain|varicose veins
I87.2|chronic venous insufficiency
R91.8|lung mass|pulmonary mass
J91.0|malignant pleural effusion
I49.5|sick sinus syndrome""",
        diagnostics=["ankle-brachial index", "arterial duplex of the lower extremities", "venous duplex", "transesophageal echocardiogram",
                     "CT angiogram of the abdominal aorta", "PET/CT", "bronchoscopy"],
        labs=["hemoglobin {hgb}", "WBC {wbc}", "platelets {plt}", "creatinine 1.{n}"],
    ),
    "orthopedics": dict(
        specialty=["orthopedic spine surgery", "podiatry", "foot and ankle surgery"],
        titles=["ORTHOPEDIC SPINE CONSULTATION", "PODIATRY NOTE", "HAND SURGERY CONSULTATION"],
        conditions="""M48.062|lumbar spinal stenosis
M51.16|lumbar disc herniation with radiculopathy
M54.16|lumbar radiculopathy
M65.4|de Quervain tenosynovitis
L60.0|ingrown toenail
E11.621|diabetic foot ulcer
B07.0|plantar wart
G57.61|Morton neuroma
S61.412A|hand laceration""",
        symptoms="""back pain radiating down the leg|M54.16
numbness of the foot|R20.0
toe pain|M79.676
painful callus|L84""",
        diagnostics=["MRI of the lumbar spine", "flexion-extension x-rays of the lumbar spine", "x-rays of the foot",
                     "CT of the cervical spine", "nerve conduction studies"],
        labs=["hemoglobin {hgb}", "WBC {wbc}", "A1c {a1c}"],
    ),
    "hematology_oncology": dict(
        phrases=["{He} is here to discuss the PET/CT, which shows stage {n} disease.",
                 "The tumor is stage IIB (T2 N1 M0) and molecular testing is pending.",
                 "{He} completed adjuvant radiation therapy to 50 Gy in 25 fractions.",
                 "{He} is on maintenance [[rituximab|immunotherapy]] every 8 weeks.",
                 "Tumor markers CEA and CA 19-9 are trending down.", "{He} has grade 2 chemotherapy-induced peripheral neuropathy.",
                 "{He} was hospitalized for febrile neutropenia after cycle {n}.", "A port-a-cath was placed before starting chemotherapy.",
                 "Hospice and palliative care options were discussed with the family."],
        symptoms="""chemotherapy-induced nausea|R11.0
numbness of the fingertips from chemotherapy|G62.0
mouth sores|K12.31""",
        findings=["Restaging CT shows stable disease per RECIST criteria.", "CEA {n}.4.", "ANC 0.{n} consistent with grade 4 neutropenia."],
        plan=["Continue adjuvant [[anastrozole|endocrine therapy]] for 5 years.", "Dose-reduce by 20% for neuropathy.",
              "Tumor markers every cycle.", "Port flush every 4 weeks.", "Survivorship visit in 3 months."],
        titles=["MEDICAL ONCOLOGY FOLLOW-UP", "HEMATOLOGY CONSULTATION", "INFUSION CENTER NOTE"],
    ),
    "neurology_neurosurgery": dict(
        phrases=["NIH Stroke Scale on arrival was {n}.", "{He} describes a unilateral pulsating headache with photophobia, phonophobia and nausea lasting up to 2 days.",
                 "{He} has a resting tremor of the right hand, slowness and a shuffling gait for {n} years.",
                 "{He} had an episode of painless vision loss in one eye last year and now has numbness of the legs and L'Hermitte sign.",
                 "The family notes {he} has been getting lost while driving and repeating questions.",
                 "{He} had transient aphasia and right arm weakness lasting 20 minutes that fully resolved.",
                 "{He} reports fluctuating ptosis and double vision worse at the end of the day."],
        exam=["Cranial nerves II-XII intact; visual fields full to confrontation.", "Rigidity with cogwheeling at the right wrist and bradykinesia on finger taps.",
              "Internuclear ophthalmoplegia on left gaze.", "Montreal Cognitive Assessment score {n}1/30.",
              "Dysmetria on finger-to-nose on the left.", "Fatigable ptosis after sustained upgaze."],
    ),
    "dermatology": dict(
        exam=["Annular erythematous plaque with central clearing and a scaly advancing border.",
              "Violaceous flat-topped polygonal papules on the volar wrists.", "Well-demarcated depigmented patches on the hands and perioral skin.",
              "Scattered erythematous papules and plaques on the trunk and proximal extremities in a symmetric distribution."],
        phrases=["The rash began on the trunk and spread to the extremities over {n} days.",
                 "{He} has tried topical [[hydrocortisone|steroid]] cream with partial improvement."],
    ),
    "nephrology": dict(
        phrases=["eGFR has declined from {n}8 to 2{n} over the past year, consistent with CKD stage 4.",
                 "Urine albumin-to-creatinine ratio is {n}50 mg/g.", "{He} was counseled on dialysis modality options including home peritoneal dialysis.",
                 "{His} dialysis prescription is 4 hours three times weekly with a 2K/2.5Ca bath and blood flow of 400 mL/min.",
                 "Renal biopsy showed membranous nephropathy with PLA2R positivity.",
                 "Tacrolimus trough is {n}.2 and creatinine is stable since transplant."],
        plan=["Start an SGLT2 inhibitor for renal protection.", "Titrate ACE inhibitor to reduce proteinuria.",
              "Check tacrolimus trough level.", "Renal diet education.", "Correct sodium no faster than 8 mEq/L in 24 hours."],
    ),
}

REMOVE: dict[str, dict[str, set[str]]] = {
    "hematology_oncology": dict(
        procedures={"CT-guided lung biopsy", "core needle biopsy", "lumpectomy with sentinel lymph node biopsy",
                    "modified radical mastectomy"},
        symptoms={"shortness of breath", "swollen lymph nodes", "breast lump"},
        conditions={"R59.0", "D72.829"},
    ),
    "nephrology": dict(
        procedures={"left radiocephalic arteriovenous fistula creation", "AV fistula creation", "brachiocephalic AV fistula",
                    "arteriovenous graft placement", "tunneled dialysis catheter placement", "fistulogram with angioplasty"},
        op_details={"Under regional block, a longitudinal incision was made over the wrist.",
                    "The cephalic vein and radial artery were dissected free.",
                    "An end-to-side anastomosis of the vein to the artery was performed with 7-0 Prolene.",
                    "A good thrill was palpated at the end of the procedure."},
    ),
    "dermatology": dict(
        procedures={"nail avulsion"},
        conditions={"L60.0", "B35.3"},
    ),
    "neurology_neurosurgery": dict(
        procedures={"carpal tunnel decompression", "kyphoplasty", "L5-S1 decompression", "posterior lumbar interbody fusion"},
        symptoms={"low back pain radiating down the leg"},
        conditions={"M54.16", "M47.812"},
    ),
}

# ------------------------------------------------------------------------------- structured exams

EXAM_BLOCKS: dict[str, list[tuple[str, list[str]]]] = {
    "neurology_neurosurgery": [
        ("MENTAL STATUS", ["Awake, alert and oriented to person, place and time. Speech fluent without dysarthria; naming and repetition intact.",
                           "Alert, follows three-step commands, attention intact to serial 7s, recalls 1 of 3 objects at 5 minutes.",
                           "Drowsy but arousable to voice, oriented to self only, nonfluent speech with preserved comprehension."]),
        ("CRANIAL NERVES", ["II: Pupils 3 mm, equal and reactive; visual fields full. III, IV, VI: Extraocular movements full without nystagmus. "
                            "V: Facial sensation intact. VII: Face symmetric. VIII: Hearing intact to finger rub. IX, X: Palate elevates symmetrically. "
                            "XI: Shoulder shrug 5/5. XII: Tongue midline.",
                            "Right homonymous hemianopia. Right lower facial weakness sparing the forehead. Tongue deviates to the right.",
                            "Fundi with sharp discs. Horizontal nystagmus on left gaze. Decreased corneal reflex on the left."]),
        ("MOTOR", ["Normal bulk and tone. Strength 5/5 in all four extremities proximally and distally.",
                   "Right hemiparesis: deltoid 3/5, biceps 4-/5, grip 3/5, hip flexion 4/5, ankle dorsiflexion 4/5. Right pronator drift.",
                   "Increased tone with cogwheel rigidity at both wrists, more on the right; bradykinesia with decrement on finger tapping.",
                   "Distal weakness with intrinsic hand muscle atrophy and fasciculations in the forearms."]),
        ("REFLEXES", ["2+ and symmetric at the biceps, triceps, brachioradialis, patella and ankle. Plantar responses flexor.",
                      "3+ on the right with sustained ankle clonus and an extensor plantar response on the right.",
                      "Absent ankle jerks bilaterally, 1+ at the knees; toes downgoing."]),
        ("SENSORY", ["Intact to light touch, pinprick, vibration and proprioception throughout.",
                     "Decreased pinprick and vibration in a stocking distribution to the mid-shin; Romberg positive.",
                     "Decreased sensation to pinprick over the right face, arm and leg."]),
        ("COORDINATION", ["Finger-to-nose and heel-to-shin intact without dysmetria. Rapid alternating movements normal.",
                          "Dysmetria on the left finger-to-nose and dysdiadochokinesia on the left."]),
        ("GAIT", ["Normal casual gait; able to walk on heels, toes and tandem.", "Wide-based ataxic gait, unable to tandem walk.",
                  "Shuffling gait with reduced arm swing and en bloc turning.", "Not tested because of weakness."]),
    ],
    "psychiatry": [
        ("MENTAL STATUS EXAMINATION", [
            "Appearance: Casually dressed, fair hygiene, good eye contact. Behavior: Cooperative, no psychomotor agitation.",
            "Appearance: Disheveled, malodorous, poor eye contact. Behavior: Guarded with psychomotor retardation.",
            "Appearance: Well groomed, appears stated age. Behavior: Restless, intermittently tearful."]),
        ("SPEECH", ["Normal rate, rhythm and volume.", "Pressured and loud, difficult to interrupt.", "Soft, slow, with increased latency."]),
        ("MOOD AND AFFECT", ['Mood "depressed." Affect constricted and tearful, congruent with mood.',
                             'Mood "great." Affect expansive and labile.', 'Mood "anxious." Affect anxious, full range.']),
        ("THOUGHT PROCESS AND CONTENT", [
            "Linear and goal directed. Endorses passive death wish without plan or intent. No homicidal ideation. No delusions.",
            "Tangential with flight of ideas. Grandiose delusions. Denies suicidal or homicidal ideation.",
            "Circumstantial. Paranoid ideation that neighbors are monitoring {him}. Denies suicidal ideation."]),
        ("PERCEPTION", ["Denies auditory or visual hallucinations; not responding to internal stimuli.",
                        "Endorses command auditory hallucinations telling {him} to hurt {him}self; appears to be responding to internal stimuli."]),
        ("COGNITION", ["Alert and oriented x3. Memory grossly intact. Fund of knowledge appropriate.",
                       "Oriented to person and place. Attention impaired; unable to spell WORLD backward."]),
        ("INSIGHT AND JUDGMENT", ["Insight fair, judgment fair.", "Insight poor, judgment impaired.", "Insight and judgment good."]),
        ("RISK ASSESSMENT", ["Risk factors include prior suicide attempt, recent loss, substance use and access to firearms. "
                             "Protective factors include children and future orientation. Overall acute risk assessed as moderate.",
                             "Denies suicidal ideation, intent or plan; no prior attempts; no access to firearms. Acute risk low.",
                             "Columbia Suicide Severity Rating Scale positive for ideation with method but no intent. Risk moderate."]),
    ],
    "dermatology": [
        ("SKIN EXAMINATION", [
            "A total body skin examination was performed including the scalp, face, trunk, extremities, palms, soles and nails.",
            "Examination of the face, neck, chest, back, arms and legs was performed.",
            "Focused examination of the affected areas was performed."]),
        ("MORPHOLOGY AND DISTRIBUTION", [
            "Multiple erythematous, well-demarcated plaques with silvery scale on the extensor surfaces and scalp.",
            "Ill-defined erythematous, scaly, lichenified patches with excoriations in the flexural areas.",
            "Scattered 2 to 4 mm erythematous papules and pustules on the central face without comedones.",
            "A solitary 6 mm pink pearly papule with rolled borders and telangiectasias.",
            "Multiple stuck-on, waxy, tan to brown verrucous papules on the trunk.",
            "Numerous brown macules and papules on the back, the largest 7 mm with irregular pigment network on dermoscopy."]),
    ],
    "ent": [
        ("EARS", ["External auditory canals clear. Tympanic membranes intact and mobile bilaterally.",
                  "Right tympanic membrane dull and retracted with a middle ear effusion.",
                  "Left canal with cerumen impaction, removed with a curette; the tympanic membrane is intact."]),
        ("NOSE", ["Septum deviated to the left with inferior turbinate hypertrophy.", "Pale, boggy turbinates with clear rhinorrhea.",
                  "Anterior rhinoscopy shows mucopurulent drainage in the middle meatus."]),
        ("ORAL CAVITY AND OROPHARYNX", ["Tonsils 3+ and cryptic without exudate.", "Oral cavity without masses or lesions; tongue mobile.",
                                        "Uvula midline, no peritonsillar fullness."]),
        ("NECK", ["No cervical lymphadenopathy; thyroid without nodules.", "A 2 cm firm, mobile level II lymph node on the right."]),
        ("LARYNX", ["Flexible laryngoscopy shows mobile true vocal folds bilaterally without lesions.",
                    "Erythema and edema of the arytenoids consistent with laryngopharyngeal reflux."]),
    ],
    "ophthalmology": [
        ("VISUAL ACUITY", ["Without correction 20/40 OD and 20/25 OS; with pinhole 20/30 OD.", "Best corrected 20/70 OD, 20/20 OS."]),
        ("INTRAOCULAR PRESSURE", ["15 mmHg OD and 16 mmHg OS by applanation.", "26 mmHg OD and 24 mmHg OS by Tono-Pen."]),
        ("EXTERNAL/SLIT LAMP", ["Lids and lashes normal. Conjunctiva white and quiet OU. Cornea clear. Anterior chamber deep and quiet. "
                                "Lens with 2+ nuclear sclerosis OU.", "Diffuse conjunctival injection with a papillary reaction OD."]),
        ("DILATED FUNDUS EXAMINATION", ["Cup-to-disc ratio 0.7 OD and 0.6 OS with inferior rim thinning. Macula flat. Vessels normal.",
                                        "Scattered dot-blot hemorrhages and hard exudates in the posterior pole OU."]),
    ],
    "obstetrics_gynecology": [
        ("PELVIC EXAMINATION", ["External genitalia normal. Vagina without lesions. Cervix parous without lesions or motion tenderness. "
                                "Uterus normal size, anteverted, mobile. Adnexa without masses or tenderness.",
                                "Speculum exam shows a closed cervix with scant blood. Uterus enlarged to 12-week size, irregular."]),
    ],
    "urology": [
        ("GENITOURINARY", ["Normal circumcised phallus, meatus orthotopic. Testes descended bilaterally without masses. No hernias.",
                           "Digital rectal examination: prostate approximately 50 g, smooth, without nodules or tenderness.",
                           "Right costovertebral angle tenderness. Bladder not distended."]),
    ],
}

# ------------------------------------------------------------------- multi-problem primary care

PROBLEM_PLANS: dict[str, list[str]] = {
    "I10": ["Blood pressure is {sbp}/{dbp} today; home readings reviewed. Continue current antihypertensive, low-sodium diet.",
            "Not at goal; increase lisinopril and recheck BMP in 2 weeks.", "Well controlled on current regimen."],
    "E11.9": ["A1c {a1c}. Continue metformin, diabetic diet, annual eye exam and foot exam done today.",
              "Urine microalbumin ordered; refer to diabetes education.", "Fingersticks reviewed, fasting 110s to 150s."],
    "E78.5": ["LDL {ldl}. Continue statin; recheck fasting lipid panel in 6 months.", "Discussed diet and exercise; start statin."],
    "E78.00": ["Recheck fasting lipids.", "Continue statin therapy."],
    "I25.10": ["No angina. Continue aspirin, beta blocker and statin; follows with cardiology."],
    "K21.9": ["Symptoms controlled with PPI; avoid late meals.", "Trial of dose reduction of the PPI."],
    "E03.9": ["TSH {tsh}; continue levothyroxine at the same dose.", "Adjust levothyroxine dose and recheck TSH in 6 weeks."],
    "M19.90": ["Acetaminophen as needed; weight loss and low-impact exercise.", "Knee pain stable; consider physical therapy."],
    "F32.A": ["PHQ-9 score {n}; continue SSRI and counseling.", "Mood improved; no suicidal ideation."],
    "F41.9": ["Anxiety stable; continue current therapy.", "Referral to behavioral health for counseling."],
    "E66.9": ["BMI {bmi}. Discussed calorie reduction and 150 minutes of exercise weekly.", "Referral to a dietitian."],
    "J45.909": ["Asthma well controlled; uses rescue inhaler rarely.", "Continue controller inhaler; asthma action plan reviewed."],
    "J44.9": ["COPD stable; continue inhalers, up to date on pneumococcal vaccine.", "Smoking cessation counseling given."],
    "N18.30": ["Creatinine stable; avoid NSAIDs; renally dose medications.", "Continue ACE inhibitor; recheck BMP in 3 months."],
    "N40.0": ["Nocturia twice nightly; continue tamsulosin."],
    "I48.91": ["Rate controlled; continue anticoagulation.", "In sinus rhythm today; continue current therapy."],
    "G47.33": ["Using CPAP nightly with improved daytime sleepiness."],
    "M81.0": ["Continue bisphosphonate, calcium and vitamin D; DEXA due next year."],
    "E55.9": ["Continue vitamin D supplementation."],
    "D64.9": ["Hemoglobin {hgb}; check iron studies, B12 and folate.", "Mild anemia, stable; recheck CBC in 3 months."],
    "G43.909": ["Migraines less frequent; continue abortive therapy as needed."],
    "M54.50": ["Back pain improving with home exercises; heat and stretching."],
    "I50.9": ["Euvolemic; continue diuretic, daily weights."],
    "F17.210": ["Counseled on smoking cessation for more than 3 minutes; nicotine patch offered."],
    "K58.9": ["Increase fiber; symptoms stable."],
    "M10.9": ["No recent flares; continue allopurinol, uric acid at goal."],
    "E03.8": ["Repeat TSH in 6 months."],
    "Z86.718": ["No recurrence; no anticoagulation needed."],
}

HEALTH_MAINTENANCE = [
    "Colonoscopy is up to date, last done {n} years ago.", "Screening colonoscopy ordered.", "Mammogram ordered.",
    "Influenza vaccine given today.", "Tetanus-diphtheria booster is up to date.", "Pneumococcal vaccine given.",
    "Shingles vaccine recommended.", "Fasting lipid panel and CMP ordered.", "Pap smear is up to date.",
    "Hepatitis C screening offered.", "Discussed seat belt use, sunscreen and regular exercise.",
    "Dental and eye examinations are up to date.", "Advance directives were discussed.", "Fall risk assessed; home safety reviewed.",
    "Depression screening negative (PHQ-2 of 0).", "DEXA scan ordered for osteoporosis screening.", "Low-dose CT for lung cancer screening discussed.",
]

GENERAL_MEDICINE_PHRASES = [
    "{He} presents for {his} annual physical examination and follow-up of hypertension, hyperlipidemia and diabetes.",
    "{He} is here for a routine 3-month follow-up of multiple chronic medical problems.",
    "{He} has had {n} days of sinus congestion, facial pressure and yellow nasal discharge.",
    "{He} has had burning with urination and urinary frequency for 2 days without fever or flank pain.",
    "{He} strained {his} lower back lifting boxes {n} days ago; no radiation, no bowel or bladder symptoms.",
    "{He} reports {his} home blood sugars have been running 140s to 180s.", "{He} ran out of {his} blood pressure medication last week.",
    "{He} has gained {n}0 pounds over the past year and wants to discuss weight loss.",
    "{His} mood has been stable on the current antidepressant.", "{He} has occasional heartburn at night.",
    "{He} has mild knee pain with stairs.", "{He} is sleeping poorly and feels tired during the day.",
    "{He} had a cough and low-grade fever for {n} days; sick contacts at home.",
    "Medication list was reconciled and refills were sent.",
]

GENERAL_ROS_SYSTEMS = [
    ("Constitutional", ["No fever, chills, night sweats or weight change.", "Reports fatigue; no fever."]),
    ("Eyes", ["No vision changes or eye pain.", "Wears glasses; no recent change."]),
    ("ENT", ["No hearing loss, sore throat or nasal congestion.", "Mild nasal congestion."]),
    ("Cardiovascular", ["No chest pain, palpitations or leg swelling.", "No chest pain; mild ankle swelling at night."]),
    ("Respiratory", ["No cough, wheezing or shortness of breath.", "Occasional dry cough."]),
    ("Gastrointestinal", ["No nausea, vomiting, diarrhea, constipation or blood in the stool.", "Occasional heartburn."]),
    ("Genitourinary", ["No dysuria, frequency or hematuria.", "Nocturia once nightly."]),
    ("Musculoskeletal", ["No joint pain or swelling.", "Bilateral knee pain with activity."]),
    ("Skin", ["No rashes or changing moles.", "Dry skin."]),
    ("Neurologic", ["No headaches, dizziness, numbness or weakness.", "Occasional tension headaches."]),
    ("Psychiatric", ["No depression or anxiety.", "Some stress at work; sleeping poorly."]),
    ("Endocrine", ["No heat or cold intolerance, polyuria or polydipsia."]),
    ("Hematologic/Lymphatic", ["No easy bruising or bleeding; no swollen glands."]),
]

EXTRA_GENERIC_HPI = [
    "{He} has been checking {his} blood pressure at home and brought a log.", "{He} reports good adherence to the prescribed regimen.",
    "{He} denies any side effects from {his} current medications.", "{He} works full time and is able to perform {his} usual activities.",
    "Symptoms are worse in the evening and improve with rest.", "{He} has not missed any work because of this problem.",
    "{He} first noticed the problem about {n} months ago and it has slowly progressed.",
    "{He} was previously evaluated by another physician and is here for a second opinion.",
    "{He} brought outside records and imaging, which were reviewed in detail.",
    "{His} family has noticed the change as well.", "{He} has made several lifestyle changes, including diet and exercise.",
    "A detailed history was obtained from the patient and {his} spouse.",
]

EXTRA["general_medicine"] = dict(
    phrases=GENERAL_MEDICINE_PHRASES,
    conditions="""J01.90|acute sinusitis|sinusitis
J02.9|acute pharyngitis|pharyngitis
S39.012A|lumbar strain|low back strain
L30.9|dermatitis|rash
Z23|encounter for immunization""",
    labs=["hemoglobin {hgb}, WBC {wbc}, platelets {plt}", "sodium {na}", "glucose {glu}", "creatinine 1.{n}"],
)

OP_OPEN = [
    "The patient was identified in the preoperative holding area, the consent was verified and the operative site was marked.",
    "The patient was brought to the operating room and placed in the supine position on the operating table.",
    "After induction of anesthesia, all pressure points were carefully padded.",
    "Preoperative [[cefazolin|antibiotics]] were given within 60 minutes of incision.",
    "Sequential compression devices were placed on both lower extremities.",
    "The operative area was prepped and draped in the usual sterile fashion.",
    "A surgical time-out was performed confirming the correct patient, procedure and site.",
]
OP_CLOSE = [
    "The wound was irrigated with copious amounts of sterile saline.", "Hemostasis was confirmed.",
    "The subcutaneous tissue was closed with 3-0 Vicryl and the skin with staples.",
    "Local anesthetic was infiltrated into the incision for postoperative pain control.",
    "A sterile dressing was applied.", "Sponge, needle and instrument counts were correct at the end of the case.",
    "The patient was awakened, extubated in the operating room and taken to the recovery room in stable condition.",
    "The attending surgeon was present and scrubbed for the entire procedure.",
]
