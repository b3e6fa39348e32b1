"""NoteLens' own hand-written clinical knowledge for the synthesizer.

Compact line formats (parsed once in :mod:`core.synth.generator`):

- conditions: ``"ICD|name|synonym|abbrev"`` (first name is the usual one; all are clinician wording)
- symptoms: ``"text|ICD"`` (ICD may be empty)
- drug profiles: ``"name|strengths|unit|form|route|frequency"``; ``strengths`` comma separated, route
  and frequency are keys of ``ROUTES`` / ``FREQUENCIES``.

Inside sentences: ``{cond}`` (the note's main condition, rendered as a CONDITION span), ``{cond2}``,
``{proc}``, ``{test}``, ``{side}``, ``{age}``, ``{he}``/``{his}``/``{him}`` (pronouns, ``{He}`` capitalised),
``{pt}`` (patient/pt), ``{dr}`` (a doctor), ``{n}`` (small number), ``{sym}`` (a service symptom span),
``[[drug|fallback]]`` (a DRUG span; ``fallback`` is written when the drug is held out).
"""

from __future__ import annotations

# ------------------------------------------------------------------------------------ drug profiles

DRUG_PROFILES = """
metoprolol tartrate|12.5,25,50,100|mg|tablet|PO|bid
metoprolol succinate|25,50,100,200|mg|ER tablet|PO|daily
carvedilol|3.125,6.25,12.5,25|mg|tablet|PO|bid
atenolol|25,50,100|mg|tablet|PO|daily
lisinopril|2.5,5,10,20,40|mg|tablet|PO|daily
losartan|25,50,100|mg|tablet|PO|daily
valsartan|40,80,160,320|mg|tablet|PO|daily
amlodipine|2.5,5,10|mg|tablet|PO|daily
diltiazem|120,180,240|mg|ER capsule|PO|daily
hydrochlorothiazide|12.5,25,50|mg|tablet|PO|daily
chlorthalidone|12.5,25|mg|tablet|PO|daily
furosemide|20,40,80|mg|tablet|PO|daily
bumetanide|0.5,1,2|mg|tablet|PO|daily
torsemide|10,20,40|mg|tablet|PO|daily
spironolactone|12.5,25,50|mg|tablet|PO|daily
atorvastatin|10,20,40,80|mg|tablet|PO|qhs
rosuvastatin|5,10,20,40|mg|tablet|PO|daily
simvastatin|10,20,40|mg|tablet|PO|qhs
pravastatin|20,40,80|mg|tablet|PO|qhs
aspirin|81,325|mg|tablet|PO|daily
clopidogrel|75|mg|tablet|PO|daily
ticagrelor|90|mg|tablet|PO|bid
warfarin|1,2,2.5,5,7.5|mg|tablet|PO|daily
apixaban|2.5,5|mg|tablet|PO|bid
rivaroxaban|10,15,20|mg|tablet|PO|daily
heparin|5000|units|injection|SC|q8h
enoxaparin|40,60,80|mg|injection|SC|bid
digoxin|0.125,0.25|mg|tablet|PO|daily
amiodarone|100,200,400|mg|tablet|PO|daily
nitroglycerin|0.4|mg|SL tablet|SL|prn_chest
isosorbide mononitrate|30,60,120|mg|ER tablet|PO|daily
hydralazine|25,50|mg|tablet|PO|tid
sacubitril|24,49|mg|tablet|PO|bid
albuterol|90|mcg|inhaler|INH|prn_sob
ipratropium|17|mcg|inhaler|INH|qid
tiotropium|18|mcg|inhaler|INH|daily
fluticasone|110,220|mcg|inhaler|INH|bid
budesonide|160|mcg|inhaler|INH|bid
montelukast|4,5,10|mg|tablet|PO|qhs
prednisone|5,10,20,40,60|mg|tablet|PO|daily
azithromycin|250,500|mg|tablet|PO|daily
levofloxacin|500,750|mg|tablet|PO|daily
ceftriaxone|1,2|g|injection|IV|daily
doxycycline|100|mg|capsule|PO|bid
benzonatate|100,200|mg|capsule|PO|tid
omeprazole|20,40|mg|capsule|PO|daily
pantoprazole|20,40|mg|tablet|PO|daily
esomeprazole|20,40|mg|capsule|PO|daily
famotidine|20,40|mg|tablet|PO|bid
ondansetron|4,8|mg|ODT|PO|q8h_prn
metoclopramide|5,10|mg|tablet|PO|qid
sucralfate|1|g|tablet|PO|qid
mesalamine|800,1200|mg|DR tablet|PO|bid
infliximab|5|mg/kg|infusion|IV|q8w
adalimumab|40|mg|pen|SC|q2w
lactulose|20|g|solution|PO|bid
rifaximin|550|mg|tablet|PO|bid
docusate|100|mg|capsule|PO|bid
polyethylene glycol|17|g|powder|PO|daily
dicyclomine|10,20|mg|tablet|PO|qid
loperamide|2|mg|capsule|PO|prn
ursodiol|300|mg|capsule|PO|bid
levetiracetam|250,500,750,1000|mg|tablet|PO|bid
phenytoin|100|mg|capsule|PO|tid
carbamazepine|200|mg|tablet|PO|bid
lamotrigine|25,100,200|mg|tablet|PO|bid
valproate|250,500|mg|DR tablet|PO|bid
topiramate|25,50,100|mg|tablet|PO|bid
gabapentin|100,300,600|mg|capsule|PO|tid
pregabalin|50,75,150|mg|capsule|PO|bid
sumatriptan|50,100|mg|tablet|PO|prn_headache
donepezil|5,10|mg|tablet|PO|qhs
carbidopa|25|mg|tablet|PO|tid
ropinirole|0.25,0.5,1|mg|tablet|PO|qhs
baclofen|10,20|mg|tablet|PO|tid
dexamethasone|4,10|mg|injection|IV|q6h
tizanidine|2,4|mg|tablet|PO|qhs
cyclobenzaprine|5,10|mg|tablet|PO|tid_prn
ibuprofen|400,600,800|mg|tablet|PO|q6h_prn
naproxen|250,500|mg|tablet|PO|bid
meloxicam|7.5,15|mg|tablet|PO|daily
celecoxib|100,200|mg|capsule|PO|daily
acetaminophen|325,500,650|mg|tablet|PO|q6h_prn
hydrocodone|5,7.5,10|mg|tablet|PO|q4h_prn
oxycodone|5,10|mg|tablet|PO|q4h_prn
tramadol|50|mg|tablet|PO|q6h_prn
morphine|2,4|mg|injection|IV|q4h_prn
cefazolin|1,2|g|injection|IV|q8h
cephalexin|250,500|mg|capsule|PO|qid
alendronate|70|mg|tablet|PO|weekly
methotrexate|2.5,7.5,15|mg|tablet|PO|weekly
prenatal vitamins|1|tablet|tablet|PO|daily
folic acid|0.4,1|mg|tablet|PO|daily
ferrous sulfate|325|mg|tablet|PO|daily
oxytocin|10,20|units|infusion|IV|once
terbutaline|0.25|mg|injection|SC|once
medroxyprogesterone|150|mg|injection|IM|q3m
estradiol|0.5,1,2|mg|tablet|PO|daily
norethindrone|0.35|mg|tablet|PO|daily
metronidazole|500|mg|tablet|PO|bid
misoprostol|200|mcg|tablet|PO|once
magnesium sulfate|2,4|g|infusion|IV|once
clomiphene|50|mg|tablet|PO|daily
fluconazole|150|mg|tablet|PO|once
tamsulosin|0.4,0.8|mg|capsule|PO|qhs
finasteride|5|mg|tablet|PO|daily
oxybutynin|5,10|mg|ER tablet|PO|daily
tolterodine|2,4|mg|ER capsule|PO|daily
ciprofloxacin|250,500|mg|tablet|PO|bid
nitrofurantoin|100|mg|capsule|PO|bid
sulfamethoxazole|800|mg|tablet|PO|bid
phenazopyridine|100,200|mg|tablet|PO|tid
sildenafil|25,50,100|mg|tablet|PO|prn
bicalutamide|50|mg|tablet|PO|daily
leuprolide|22.5|mg|injection|IM|q3m
potassium citrate|10,15|mEq|ER tablet|PO|bid
sevelamer|800|mg|tablet|PO|tid_meals
calcitriol|0.25,0.5|mcg|capsule|PO|daily
epoetin alfa|10000|units|injection|SC|weekly
sodium bicarbonate|650|mg|tablet|PO|bid
calcium acetate|667|mg|capsule|PO|tid_meals
cinacalcet|30,60|mg|tablet|PO|daily
tacrolimus|1,2|mg|capsule|PO|bid
mycophenolate|500|mg|tablet|PO|bid
potassium chloride|10,20|mEq|ER tablet|PO|daily
ondansetron|8|mg|injection|IV|q8h_prn
cyclophosphamide|600|mg/m2|infusion|IV|q3w
doxorubicin|60|mg/m2|infusion|IV|q3w
paclitaxel|175|mg/m2|infusion|IV|q3w
carboplatin|400|mg|infusion|IV|q3w
cisplatin|75|mg/m2|infusion|IV|q3w
rituximab|375|mg/m2|infusion|IV|weekly
tamoxifen|20|mg|tablet|PO|daily
anastrozole|1|mg|tablet|PO|daily
imatinib|400|mg|tablet|PO|daily
capecitabine|500|mg|tablet|PO|bid
hydroxyurea|500|mg|capsule|PO|daily
filgrastim|300,480|mcg|injection|SC|daily
cyanocobalamin|1000|mcg|injection|IM|monthly
prochlorperazine|10|mg|tablet|PO|q6h_prn
allopurinol|100,300|mg|tablet|PO|daily
amoxicillin|250,500,875|mg|capsule|PO|tid
amoxicillin clavulanate|875|mg|tablet|PO|bid
cefdinir|300|mg|capsule|PO|bid
fluticasone nasal|50|mcg|nasal spray|NAS|daily
mometasone|50|mcg|nasal spray|NAS|daily
cetirizine|10|mg|tablet|PO|daily
loratadine|10|mg|tablet|PO|daily
ciprofloxacin otic|0.3|%|otic drops|OTIC|bid
oxymetazoline|0.05|%|nasal spray|NAS|bid
pseudoephedrine|30,60|mg|tablet|PO|q6h_prn
meclizine|12.5,25|mg|tablet|PO|tid_prn
levothyroxine|25,50,75,88,100,112,125|mcg|tablet|PO|daily_am
latanoprost|0.005|%|eye drops|OPH|qhs
timolol|0.5|%|eye drops|OPH|bid
brimonidine|0.2|%|eye drops|OPH|tid
dorzolamide|2|%|eye drops|OPH|tid
prednisolone acetate|1|%|eye drops|OPH|qid
moxifloxacin|0.5|%|eye drops|OPH|qid
ketorolac|0.5|%|eye drops|OPH|qid
ketorolac|15,30|mg|injection|IV|q6h_prn
labetalol|100,200|mg|tablet|PO|bid
nifedipine|30,60|mg|ER tablet|PO|daily
nystatin|100000|units/mL|suspension|PO|qid
lidocaine|1,2|%|injection|local|once
bupivacaine|0.25,0.5|%|injection|local|once
artificial tears|1|drop|eye drops|OPH|qid
atropine|1|%|eye drops|OPH|daily
acetazolamide|250,500|mg|tablet|PO|bid
sertraline|25,50,100,150|mg|tablet|PO|daily
fluoxetine|10,20,40|mg|capsule|PO|daily
escitalopram|5,10,20|mg|tablet|PO|daily
citalopram|10,20,40|mg|tablet|PO|daily
bupropion|150,300|mg|XL tablet|PO|daily
venlafaxine|37.5,75,150|mg|ER capsule|PO|daily
duloxetine|30,60|mg|capsule|PO|daily
mirtazapine|15,30|mg|tablet|PO|qhs
trazodone|50,100|mg|tablet|PO|qhs
quetiapine|25,50,100,300|mg|tablet|PO|qhs
olanzapine|5,10,20|mg|tablet|PO|qhs
risperidone|0.5,1,2|mg|tablet|PO|bid
aripiprazole|5,10,15|mg|tablet|PO|daily
haloperidol|2,5|mg|injection|IM|q6h_prn
lithium|300|mg|capsule|PO|bid
lorazepam|0.5,1,2|mg|tablet|PO|q8h_prn
clonazepam|0.5,1|mg|tablet|PO|bid
alprazolam|0.25,0.5|mg|tablet|PO|tid_prn
buspirone|5,10,15|mg|tablet|PO|bid
hydroxyzine|25,50|mg|tablet|PO|q6h_prn
methylphenidate|10,18,36|mg|ER tablet|PO|daily_am
naltrexone|50|mg|tablet|PO|daily
buprenorphine|8|mg|SL film|SL|daily
zolpidem|5,10|mg|tablet|PO|qhs
triamcinolone|0.1|%|cream|TOP|bid
hydrocortisone|1,2.5|%|cream|TOP|bid
clobetasol|0.05|%|ointment|TOP|bid
mupirocin|2|%|ointment|TOP|tid
ketoconazole|2|%|cream|TOP|daily
terbinafine|250|mg|tablet|PO|daily
tretinoin|0.025,0.05|%|cream|TOP|qhs
isotretinoin|20,40|mg|capsule|PO|bid
minocycline|100|mg|capsule|PO|bid
clindamycin|1|%|gel|TOP|bid
valacyclovir|500,1000|mg|tablet|PO|bid
acyclovir|400,800|mg|tablet|PO|tid
fluorouracil|5|%|cream|TOP|bid
imiquimod|5|%|cream|TOP|weekly3
dupilumab|300|mg|injection|SC|q2w
metformin|500,850,1000|mg|tablet|PO|bid_meals
glipizide|2.5,5,10|mg|tablet|PO|daily
glimepiride|1,2,4|mg|tablet|PO|daily
sitagliptin|25,50,100|mg|tablet|PO|daily
empagliflozin|10,25|mg|tablet|PO|daily
dapagliflozin|5,10|mg|tablet|PO|daily
pioglitazone|15,30|mg|tablet|PO|daily
liraglutide|0.6,1.2,1.8|mg|pen|SC|daily
semaglutide|0.25,0.5,1|mg|pen|SC|weekly
dulaglutide|0.75,1.5|mg|pen|SC|weekly
insulin glargine|10,20,30|units|pen|SC|qhs
insulin lispro|4,6,8|units|pen|SC|tid_meals
insulin aspart|4,6,10|units|pen|SC|tid_meals
methimazole|5,10|mg|tablet|PO|daily
propylthiouracil|50,100|mg|tablet|PO|tid
hydrocortisone oral|10,20|mg|tablet|PO|bid
fludrocortisone|0.1|mg|tablet|PO|daily
cabergoline|0.25,0.5|mg|tablet|PO|weekly
testosterone|200|mg|injection|IM|q2w
vitamin D|1000,2000,50000|units|capsule|PO|daily
calcium carbonate|500,1250|mg|tablet|PO|bid
amoxicillin pediatric|250,400|mg/5 mL|suspension|PO|bid
ibuprofen pediatric|100|mg/5 mL|suspension|PO|q6h_prn
acetaminophen pediatric|160|mg/5 mL|suspension|PO|q4h_prn
azithromycin pediatric|200|mg/5 mL|suspension|PO|daily
cefdinir pediatric|125,250|mg/5 mL|suspension|PO|daily
prednisolone|15|mg/5 mL|solution|PO|daily
ranitidine|15|mg/mL|syrup|PO|bid
cholecalciferol|400|units|drops|PO|daily
amoxicillin clavulanate pediatric|400|mg/5 mL|suspension|PO|bid
"""

# Brand names (US) -> generic. A brand is dropped at load when the drug dictionary maps it to a different
# canonical drug than its generic; its DrugBank id is the generic's.
BRANDS = """
Lipitor|atorvastatin
Crestor|rosuvastatin
Zocor|simvastatin
Plavix|clopidogrel
Brilinta|ticagrelor
Coumadin|warfarin
Eliquis|apixaban
Xarelto|rivaroxaban
Lasix|furosemide
Norvasc|amlodipine
Toprol|metoprolol succinate
Lopressor|metoprolol tartrate
Coreg|carvedilol
Zestril|lisinopril
Prinivil|lisinopril
Cozaar|losartan
Diovan|valsartan
Lanoxin|digoxin
Cordarone|amiodarone
Ventolin|albuterol
Proventil|albuterol
Spiriva|tiotropium
Singulair|montelukast
Zithromax|azithromycin
Levaquin|levofloxacin
Prilosec|omeprazole
Protonix|pantoprazole
Nexium|esomeprazole
Pepcid|famotidine
Zofran|ondansetron
Reglan|metoclopramide
Carafate|sucralfate
Remicade|infliximab
Humira|adalimumab
Xifaxan|rifaximin
Keppra|levetiracetam
Tegretol|carbamazepine
Lamictal|lamotrigine
Depakote|valproate
Topamax|topiramate
Neurontin|gabapentin
Lyrica|pregabalin
Imitrex|sumatriptan
Aricept|donepezil
Requip|ropinirole
Flexeril|cyclobenzaprine
Motrin|ibuprofen
Advil|ibuprofen
Naprosyn|naproxen
Mobic|meloxicam
Celebrex|celecoxib
Tylenol|acetaminophen
Ultram|tramadol
Ancef|cefazolin
Keflex|cephalexin
Fosamax|alendronate
Flomax|tamsulosin
Proscar|finasteride
Ditropan|oxybutynin
Detrol|tolterodine
Cipro|ciprofloxacin
Macrobid|nitrofurantoin
Pyridium|phenazopyridine
Viagra|sildenafil
Casodex|bicalutamide
Lupron|leuprolide
Renvela|sevelamer
Rocaltrol|calcitriol
Epogen|epoetin alfa
Sensipar|cinacalcet
Prograf|tacrolimus
CellCept|mycophenolate
Adriamycin|doxorubicin
Rituxan|rituximab
Gleevec|imatinib
Xeloda|capecitabine
Neupogen|filgrastim
Zyloprim|allopurinol
Augmentin|amoxicillin clavulanate
Omnicef|cefdinir
Flonase|fluticasone nasal
Nasonex|mometasone
Zyrtec|cetirizine
Claritin|loratadine
Afrin|oxymetazoline
Sudafed|pseudoephedrine
Antivert|meclizine
Levoxyl|levothyroxine
Xalatan|latanoprost
Timoptic|timolol
Alphagan|brimonidine
Trusopt|dorzolamide
Pred Forte|prednisolone acetate
Vigamox|moxifloxacin
Diamox|acetazolamide
Zoloft|sertraline
Prozac|fluoxetine
Lexapro|escitalopram
Celexa|citalopram
Wellbutrin|bupropion
Effexor|venlafaxine
Cymbalta|duloxetine
Remeron|mirtazapine
Desyrel|trazodone
Seroquel|quetiapine
Zyprexa|olanzapine
Risperdal|risperidone
Abilify|aripiprazole
Haldol|haloperidol
Ativan|lorazepam
Klonopin|clonazepam
Xanax|alprazolam
Buspar|buspirone
Vistaril|hydroxyzine
Ritalin|methylphenidate
Concerta|methylphenidate
Ambien|zolpidem
Lamisil|terbinafine
Retin-A|tretinoin
Accutane|isotretinoin
Valtrex|valacyclovir
Zovirax|acyclovir
Efudex|fluorouracil
Aldara|imiquimod
Dupixent|dupilumab
Glucophage|metformin
Glucotrol|glipizide
Amaryl|glimepiride
Januvia|sitagliptin
Jardiance|empagliflozin
Farxiga|dapagliflozin
Actos|pioglitazone
Victoza|liraglutide
Ozempic|semaglutide
Trulicity|dulaglutide
Lantus|insulin glargine
Humalog|insulin lispro
Novolog|insulin aspart
Tapazole|methimazole
Florinef|fludrocortisone
Deltasone|prednisone
Decadron|dexamethasone
Tenormin|atenolol
Cardizem|diltiazem
Aldactone|spironolactone
Imdur|isosorbide mononitrate
Lovenox|enoxaparin
Flagyl|metronidazole
Diflucan|fluconazole
Zanaflex|tizanidine
Lioresal|baclofen
"""

ALLERGY_REACTIONS = ["rash", "hives", "anaphylaxis", "swelling", "itching", "GI upset", "nausea",
                     "angioedema", "throat swelling", "shortness of breath", "unknown reaction",
                     "Stevens-Johnson syndrome", "diarrhea", "dizziness", "cough", "myalgias"]
ALLERGY_DRUGS = ["penicillin", "amoxicillin", "sulfamethoxazole", "codeine", "morphine", "aspirin",
                 "ibuprofen", "cephalexin", "ciprofloxacin", "erythromycin", "lisinopril", "tetracycline",
                 "iodine", "latex", "shellfish", "contrast dye", "hydrocodone", "levofloxacin", "vancomycin",
                 "naproxen", "clindamycin", "gabapentin", "atorvastatin", "azithromycin", "tramadol"]
NON_DRUG_ALLERGENS = {"latex", "shellfish", "contrast dye", "iodine"}

# Incidental chronic comorbidities that appear in notes of every service.
COMORBIDITIES = """
I10|hypertension|HTN|high blood pressure|essential hypertension
E11.9|type 2 diabetes mellitus|DM2|diabetes mellitus type 2|non-insulin-dependent diabetes|diabetes
E78.5|hyperlipidemia|HLD|high cholesterol|dyslipidemia
E78.00|hypercholesterolemia
I25.10|coronary artery disease|CAD|atherosclerotic heart disease
K21.9|gastroesophageal reflux disease|GERD|acid reflux
E03.9|hypothyroidism
M19.90|osteoarthritis|OA|degenerative joint disease|DJD
F32.A|depression
F41.9|anxiety
E66.9|obesity
J45.909|asthma
J44.9|COPD|chronic obstructive pulmonary disease
N18.30|chronic kidney disease stage 3|CKD stage 3|CKD 3
N40.0|benign prostatic hyperplasia|BPH
I48.91|atrial fibrillation|AFib|AF
G47.33|obstructive sleep apnea|OSA
M81.0|osteoporosis
E55.9|vitamin D deficiency
D64.9|anemia
G43.909|migraine|migraines
M54.50|low back pain|chronic low back pain
I50.9|congestive heart failure|CHF|heart failure
F17.210|tobacco use|nicotine dependence|smoker
K58.9|irritable bowel syndrome|IBS
M10.9|gout
E03.8|subclinical hypothyroidism
Z86.718|history of DVT|remote DVT
"""

FAMILY_HISTORY_CONDITIONS = """
I25.10|coronary artery disease|heart disease
I21.9|myocardial infarction|heart attack|MI
C50.919|breast cancer
C18.9|colon cancer
C61|prostate cancer
C34.90|lung cancer
E11.9|diabetes|type 2 diabetes
I10|hypertension
I63.9|stroke|CVA
G30.9|Alzheimer disease|dementia
F32.A|depression
F31.9|bipolar disorder
F10.20|alcoholism|alcohol use disorder
E03.9|thyroid disease|hypothyroidism
K50.90|Crohn disease
C25.9|pancreatic cancer
C56.9|ovarian cancer
N20.0|kidney stones
G40.909|epilepsy|seizures
H40.9|glaucoma
C43.9|melanoma
J45.909|asthma
"""

RELATIVES = ["mother", "father", "sister", "brother", "maternal grandmother", "paternal grandfather",
             "maternal aunt", "paternal uncle", "maternal grandfather", "paternal grandmother"]

DOCTORS = ["Smith", "Jones", "Patel", "Nguyen", "Garcia", "Kim", "Brown", "Miller", "Wilson", "Chen",
           "Anderson", "Thomas", "Lee", "Martin", "Clark", "Lewis", "Walker", "Young", "Hall", "Allen",
           "Wright", "King", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Ramirez", "Campbell",
           "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins",
           "Edwards", "Stewart", "Flores", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper",
           "Peterson", "Reed", "Bailey", "Bell", "Gomez", "Kelly", "Howard", "Ward", "Cox", "Diaz",
           "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James", "Reyes", "Cruz", "Hughes",
           "Price", "Myers", "Long", "Foster", "Sanders", "Ross", "Morales", "Powell", "Sullivan", "Russell",
           "Ortiz", "Jenkins", "Gutierrez", "Perry", "Butler", "Barnes", "Fisher", "Henderson", "Coleman",
           "Simmons", "Patterson", "Jordan", "Reynolds", "Hamilton", "Graham", "Kim", "Shah", "Rao", "Cohen"]

# Generic sentence pools shared by services.
SOCIAL = [
    "{He} is married and lives with {his} spouse.", "{He} lives alone.", "{He} is retired.",
    "{He} works as a teacher.", "{He} works in construction.", "{He} is a retired engineer.",
    "Denies tobacco, alcohol or illicit drug use.", "{He} smokes one pack per day for {n}0 years.",
    "Former smoker, quit {n} years ago.", "{He} drinks alcohol socially.", "{He} drinks {n} beers a day.",
    "No history of IV drug use.", "Never smoker.", "{He} is a nonsmoker and nondrinker.",
    "{He} lives with {his} daughter.", "{He} is widowed.", "Occasional alcohol, no drugs.",
    "Positive for tobacco, {n} pack-year history.", "{He} works as a nurse.", "{He} is a truck driver.",
    "{He} is independent in activities of daily living.", "{He} walks with a cane.",
]
PEDS_SOCIAL = [
    "Lives at home with mother, father and {n} siblings.", "Attends daycare.", "In {ordinal} grade, doing well in school.",
    "No smokers in the home.", "Father smokes outside the home.", "Lives with mother and grandmother.",
    "There are no pets at home.", "There is a dog at home.", "Attends preschool.",
]
GENERIC_ROS_NEG = ["fever|R50.9", "chills|R68.83", "night sweats|R61", "weight loss|R63.4", "chest pain|R07.9",
                   "shortness of breath|R06.02", "palpitations|R00.2", "cough|R05.9", "nausea|R11.0",
                   "vomiting|R11.10", "diarrhea|R19.7", "abdominal pain|R10.9", "headache|R51.9",
                   "dizziness|R42", "dysuria|R30.0", "hematuria|R31.9", "rash|R21", "joint pain|M25.50",
                   "vision changes|H53.9", "syncope|R55", "leg swelling|R60.0", "melena|K92.1",
                   "blood in the stool|K92.1", "weakness|R53.1", "numbness|R20.0", "sore throat|J02.9",
                   "fatigue|R53.83", "anxiety|F41.9", "depression|F32.A", "easy bruising|R23.3"]

GENERIC_EXAM = {
    "GENERAL": ["Well-developed, well-nourished, in no acute distress.", "Alert and oriented x3, NAD.",
                "Pleasant {age}-year-old in no apparent distress.", "Appears uncomfortable but nontoxic.",
                "Elderly, frail appearing, in no acute distress."],
    "HEENT": ["Normocephalic, atraumatic. PERRLA, EOMI. Oropharynx clear.", "NC/AT. Pupils equal and reactive. "
              "Mucous membranes moist.", "Sclerae anicteric. Conjunctivae pink. TMs clear bilaterally."],
    "NECK": ["Supple, no JVD, no lymphadenopathy.", "No thyromegaly. No carotid bruits.",
             "Supple with full range of motion."],
    "LUNGS": ["Clear to auscultation bilaterally.", "CTAB, no wheezes, rales or rhonchi.",
              "Good air entry bilaterally, no crackles."],
    "HEART": ["Regular rate and rhythm, no murmurs, rubs or gallops.", "RRR, S1 S2 normal, no murmur.",
              "Regular rhythm, normal S1 and S2."],
    "ABDOMEN": ["Soft, nontender, nondistended, normal bowel sounds.", "Soft, NT/ND, +BS, no organomegaly.",
                "Obese, soft, nontender, no masses."],
    "EXTREMITIES": ["No clubbing, cyanosis or edema.", "No edema. Distal pulses 2+ bilaterally.",
                    "Trace bilateral pedal edema.", "Warm and well perfused."],
    "NEUROLOGIC": ["Alert and oriented x3. Cranial nerves II-XII grossly intact. Strength 5/5 throughout.",
                   "Nonfocal. Sensation intact to light touch.", "CN II-XII intact, gait normal."],
    "SKIN": ["Warm and dry, no rashes.", "No lesions or rashes noted.", "Skin intact, no jaundice."],
    "PSYCHIATRIC": ["Normal mood and affect.", "Appropriate mood and affect, good insight."],
}

# ------------------------------------------------------------------------------------ per service

SERVICES_KNOWLEDGE: dict[str, dict[str, object]] = {}


def _svc(name: str, **kw: object) -> None:
    SERVICES_KNOWLEDGE[name] = kw


_svc(
    "cardiology_pulmonology",
    specialty=["cardiology", "pulmonology", "cardiovascular surgery", "pulmonary medicine", "cardiothoracic surgery"],
    titles=["CARDIOLOGY CONSULTATION", "PULMONARY CONSULTATION", "CARDIOVASCULAR CONSULTATION",
            "CARDIAC CATHETERIZATION REPORT", "PULMONARY FUNCTION REPORT"],
    conditions="""
I25.10|coronary artery disease|CAD|atherosclerotic coronary artery disease|three-vessel coronary disease
I21.4|non-ST elevation myocardial infarction|NSTEMI
I21.3|ST elevation myocardial infarction|STEMI|acute MI
I20.0|unstable angina
I20.9|angina pectoris|exertional angina
I50.9|congestive heart failure|CHF
I50.22|chronic systolic heart failure|heart failure with reduced ejection fraction|HFrEF
I50.32|chronic diastolic heart failure|HFpEF
I48.91|atrial fibrillation|AFib|A-fib
I48.92|atrial flutter
I47.10|supraventricular tachycardia|SVT
I49.3|premature ventricular contractions|PVCs
I44.2|complete heart block|third-degree AV block
I35.0|aortic stenosis|severe aortic stenosis
I34.0|mitral regurgitation|mitral valve insufficiency
I34.1|mitral valve prolapse|MVP
I42.0|dilated cardiomyopathy
I42.1|hypertrophic obstructive cardiomyopathy|HOCM
I31.39|pericardial effusion
I30.9|acute pericarditis|pericarditis
I71.40|abdominal aortic aneurysm|AAA
I73.9|peripheral vascular disease|PVD|peripheral arterial disease|PAD
I26.99|pulmonary embolism|PE
I82.409|deep venous thrombosis|DVT
I27.20|pulmonary hypertension
I95.1|orthostatic hypotension
R55|syncope|vasovagal syncope
J44.9|chronic obstructive pulmonary disease|COPD|emphysema
J44.1|COPD exacerbation|acute exacerbation of COPD
J45.909|asthma|reactive airway disease
J45.41|moderate persistent asthma with exacerbation|asthma exacerbation
J18.9|pneumonia|community-acquired pneumonia|CAP
J18.1|lobar pneumonia|right lower lobe pneumonia
J90|pleural effusion
J93.9|pneumothorax
J84.10|interstitial lung disease|ILD|pulmonary fibrosis
J84.112|idiopathic pulmonary fibrosis|IPF
R91.1|solitary pulmonary nodule|lung nodule
J96.01|acute hypoxic respiratory failure|acute respiratory failure with hypoxia
J47.9|bronchiectasis
D86.0|sarcoidosis of lung|pulmonary sarcoidosis
G47.33|obstructive sleep apnea|OSA
J20.9|acute bronchitis
R07.9|chest pain|atypical chest pain
R06.02|shortness of breath|dyspnea on exertion
""",
    symptoms="""chest pain|R07.9
chest pressure|R07.89
substernal chest tightness|R07.89
shortness of breath|R06.02
dyspnea on exertion|R06.09
orthopnea|R06.01
paroxysmal nocturnal dyspnea|R06.00
palpitations|R00.2
lower extremity edema|R60.0
syncope|R55
near syncope|R55
productive cough|R05.9
wheezing|R06.2
hemoptysis|R04.2
diaphoresis|R61
exercise intolerance|R68.89
lightheadedness|R42
pleuritic chest pain|R07.81""",
    procedures=["left heart catheterization", "coronary angiography", "percutaneous coronary intervention",
                "drug-eluting stent placement to the LAD", "coronary artery bypass grafting x3", "CABG",
                "aortic valve replacement", "transcatheter aortic valve replacement (TAVR)",
                "permanent pacemaker implantation", "dual-chamber pacemaker placement", "AICD placement",
                "electrophysiology study with radiofrequency ablation", "cardioversion",
                "transesophageal echocardiogram-guided cardioversion", "pericardiocentesis",
                "flexible bronchoscopy with bronchoalveolar lavage", "bronchoscopy with transbronchial biopsy",
                "thoracentesis", "chest tube placement", "video-assisted thoracoscopic surgery (VATS)",
                "right heart catheterization", "endobronchial ultrasound with biopsy", "pleurodesis",
                "carotid endarterectomy", "femoral-popliteal bypass", "IVC filter placement"],
    diagnostics=["echocardiogram", "transthoracic echocardiogram", "2D echocardiogram with Doppler",
                 "stress test", "exercise treadmill stress test", "nuclear stress test", "Lexiscan Cardiolite",
                 "dobutamine stress echocardiogram", "Holter monitor", "event monitor", "EKG", "ECG",
                 "12-lead electrocardiogram", "pulmonary function tests", "PFTs", "spirometry",
                 "CT angiogram of the chest", "chest x-ray", "CT chest", "V/Q scan", "arterial blood gas",
                 "six-minute walk test", "polysomnography", "cardiac MRI", "carotid Doppler ultrasound",
                 "BNP", "troponin", "lipid panel", "D-dimer"],
    exam=["Heart: Irregularly irregular rhythm.", "Grade 3/6 systolic ejection murmur at the right upper sternal border.",
          "JVP elevated to 10 cm.", "S3 gallop present.", "Bibasilar crackles.", "Diffuse expiratory wheezes.",
          "Decreased breath sounds at the right base.", "Prolonged expiratory phase.", "2+ pitting edema bilaterally.",
          "Distant heart sounds.", "Carotid bruit on the left.", "Diminished dorsalis pedis pulses.",
          "Oxygen saturation 89% on room air.", "Use of accessory muscles.", "Dullness to percussion at the left base."],
    findings=["Left ventricular ejection fraction is estimated at {ef}%.", "Mild concentric left ventricular hypertrophy.",
              "Moderate mitral regurgitation.", "Aortic valve area 0.8 cm2 consistent with severe aortic stenosis.",
              "No pericardial effusion.", "Right ventricular systolic pressure 45 mmHg.",
              "Hypokinesis of the inferior wall.", "Grade I diastolic dysfunction.", "Left atrium is mildly dilated.",
              "Normal sinus rhythm at {hr} bpm with nonspecific ST-T wave changes.", "Q waves in the inferior leads.",
              "90% stenosis of the proximal LAD.", "The left main coronary artery is without significant disease.",
              "The right coronary artery is dominant with 70% mid-vessel stenosis.", "LVEDP 22 mmHg.",
              "FEV1/FVC ratio 0.62, consistent with moderate obstructive defect.", "DLCO is reduced at 55% predicted.",
              "Significant bronchodilator response.", "No evidence of pulmonary embolism.",
              "Patchy right lower lobe consolidation.", "Moderate left pleural effusion.",
              "No reversible ischemia on perfusion imaging.", "Frequent PVCs and a 9-beat run of nonsustained VT."],
    op_details=["The right femoral artery was accessed using modified Seldinger technique and a 6-French sheath was placed.",
                "Selective coronary angiography was performed using JL4 and JR4 catheters.",
                "The lesion was crossed with a BMW wire and predilated with a 2.5 x 15 mm balloon.",
                "A 3.0 x 18 mm drug-eluting stent was deployed with excellent angiographic result and TIMI 3 flow.",
                "[[heparin|Anticoagulation]] was given for anticoagulation with ACT above 250 seconds.",
                "The bronchoscope was introduced through the mouth and advanced through the vocal cords.",
                "Airways were inspected to the subsegmental level bilaterally without endobronchial lesions.",
                "Bronchoalveolar lavage was performed in the right middle lobe and sent for cultures and cytology.",
                "The radial artery was accessed under ultrasound guidance.", "Hemostasis was achieved with a TR band.",
                "The pericardial space was entered under echocardiographic guidance and 400 mL of serous fluid removed.",
                "Synchronized cardioversion at 200 joules restored normal sinus rhythm.",
                "Under ultrasound guidance the pleural space was entered and 1.2 L of straw-colored fluid removed.",
                "The pacemaker pocket was fashioned in the left infraclavicular region and leads positioned in the right atrium and ventricle."],
    phrases=["{He} reports substernal chest pressure radiating to the left arm with exertion, relieved by rest.",
             "{He} has had progressive dyspnea on exertion over the past {n} weeks and now gets short of breath walking one block.",
             "{He} sleeps on {n} pillows and has noticed increasing leg swelling.",
             "Troponin was mildly elevated and the EKG showed ST depressions in the lateral leads.",
             "{He} was found to be in atrial fibrillation with rapid ventricular response.",
             "{He} has a long smoking history and uses home oxygen at 2 L by nasal cannula.",
             "{He} has had increased cough productive of yellow sputum and wheezing.",
             "Risk factors for coronary disease include hypertension, hyperlipidemia and tobacco use.",
             "{He} underwent stent placement {n} years ago.", "Last echocardiogram showed an ejection fraction of {ef}%.",
             "CHADS2-VASc score is {n}.", "{He} denies orthopnea or PND."],
    plan=["Continue beta blocker and statin.", "Cardiac catheterization in the morning.", "Cycle cardiac enzymes.",
          "Daily weights, 2 g sodium restriction, fluid restriction 1.5 L.", "Diuresis with IV [[furosemide|diuretics]].",
          "Rate control and anticoagulation discussed.", "Pulmonary rehabilitation referral.", "Smoking cessation counseling provided.",
          "Repeat echocardiogram in 6 months.", "Nebulizer treatments every 4 hours.", "Titrate oxygen to saturation above 90%.",
          "Follow up in cardiology clinic in 2 weeks.", "Obtain CT angiogram to rule out pulmonary embolism."],
    labs=["BNP {bnp}", "troponin 0.{n}", "INR 2.{n}", "LDL {ldl}", "potassium 4.{n}", "pO2 {po2} on room air"],
    drugs=["metoprolol tartrate", "metoprolol succinate", "carvedilol", "lisinopril", "losartan", "amlodipine",
           "furosemide", "spironolactone", "atorvastatin", "rosuvastatin", "aspirin", "clopidogrel", "ticagrelor",
           "warfarin", "apixaban", "rivaroxaban", "digoxin", "amiodarone", "nitroglycerin", "isosorbide mononitrate",
           "diltiazem", "albuterol", "ipratropium", "tiotropium", "fluticasone", "budesonide", "montelukast",
           "prednisone", "azithromycin", "levofloxacin", "ceftriaxone", "heparin", "enoxaparin", "hydralazine",
           "bumetanide", "torsemide", "benzonatate", "sacubitril"],
    ages=(35, 92),
)

_svc(
    "gastroenterology",
    specialty=["gastroenterology", "GI", "general surgery", "hepatology", "colorectal surgery"],
    titles=["GASTROENTEROLOGY CONSULTATION", "GI CONSULTATION", "COLONOSCOPY REPORT", "EGD REPORT",
            "ERCP REPORT", "OPERATIVE REPORT"],
    conditions="""
K21.9|gastroesophageal reflux disease|GERD|reflux esophagitis
K22.70|Barrett esophagus
K25.9|gastric ulcer
K26.9|duodenal ulcer|peptic ulcer disease|PUD
K29.70|gastritis
K92.2|gastrointestinal bleeding|GI bleed|upper GI bleed
K92.1|melena
K62.5|hematochezia|rectal bleeding|bright red blood per rectum|BRBPR
K57.30|diverticulosis|diverticular disease
K57.32|diverticulitis|acute diverticulitis
K50.90|Crohn disease|Crohn's disease
K51.90|ulcerative colitis|UC
K58.9|irritable bowel syndrome|IBS
K59.00|constipation|chronic constipation
R19.7|diarrhea|chronic diarrhea
K80.20|cholelithiasis|gallstones|symptomatic cholelithiasis
K81.0|acute cholecystitis|cholecystitis
K80.50|choledocholithiasis|common bile duct stone
K85.90|acute pancreatitis|pancreatitis
K86.1|chronic pancreatitis
K74.60|cirrhosis|liver cirrhosis
K70.30|alcoholic cirrhosis
K76.0|fatty liver|hepatic steatosis|NAFLD
B18.2|chronic hepatitis C|hepatitis C|HCV
K35.80|acute appendicitis|appendicitis
K40.90|inguinal hernia|right inguinal hernia
K42.9|umbilical hernia
K43.9|ventral hernia|incisional hernia
K56.609|small bowel obstruction|SBO
K63.5|colon polyp|colonic polyps|adenomatous polyp
K64.9|hemorrhoids|internal hemorrhoids
K60.2|anal fissure
R13.10|dysphagia
K22.2|esophageal stricture
K31.84|gastroparesis
K90.0|celiac disease
R10.9|abdominal pain|epigastric pain
R11.2|nausea and vomiting
D12.6|colon adenoma
Z12.11|screening for colon cancer|colon cancer screening
""",
    symptoms="""abdominal pain|R10.9
epigastric pain|R10.13
right upper quadrant pain|R10.11
nausea|R11.0
vomiting|R11.10
hematemesis|K92.0
melena|K92.1
bright red blood per rectum|K62.5
diarrhea|R19.7
constipation|K59.00
bloating|R14.0
heartburn|R12
dysphagia|R13.10
early satiety|R68.81
jaundice|R17
change in bowel habits|R19.4
decreased appetite|R63.0""",
    procedures=["colonoscopy", "colonoscopy with polypectomy", "colonoscopy with cold snare polypectomy",
                "esophagogastroduodenoscopy", "EGD with biopsy", "upper endoscopy", "EGD with esophageal dilation",
                "ERCP with sphincterotomy and stone extraction", "ERCP with biliary stent placement",
                "flexible sigmoidoscopy", "laparoscopic cholecystectomy", "laparoscopic appendectomy",
                "exploratory laparotomy", "inguinal hernia repair with mesh", "laparoscopic ventral hernia repair",
                "right hemicolectomy", "sigmoid colectomy", "hemorrhoidectomy", "PEG tube placement",
                "banding of esophageal varices", "paracentesis", "liver biopsy", "endoscopic ultrasound",
                "capsule endoscopy", "Nissen fundoplication", "small bowel resection"],
    diagnostics=["colonoscopy", "EGD", "CT of the abdomen and pelvis", "abdominal ultrasound", "right upper quadrant ultrasound",
                 "HIDA scan", "MRCP", "liver function tests", "lipase", "H. pylori breath test", "stool studies",
                 "fecal occult blood test", "celiac serologies", "barium swallow", "gastric emptying study", "FibroScan"],
    exam=["Abdomen: Tender in the right upper quadrant with positive Murphy sign.", "Epigastric tenderness without rebound.",
          "Abdomen distended with shifting dullness.", "Hepatomegaly 3 cm below the costal margin.", "Scleral icterus present.",
          "Tender in the left lower quadrant with voluntary guarding.", "Hypoactive bowel sounds.", "Guaiac-positive stool on rectal exam.",
          "Reducible right inguinal bulge with cough.", "McBurney point tenderness with rebound.", "Spider angiomata on the chest."],
    findings=["The colonoscope was advanced to the cecum, identified by the appendiceal orifice and ileocecal valve.",
              "A 6 mm sessile polyp was found in the sigmoid colon and removed with cold snare.",
              "Scattered diverticula in the sigmoid and descending colon.", "Internal hemorrhoids were noted on retroflexion.",
              "The bowel preparation was good.", "Salmon-colored mucosa extending 3 cm above the GE junction, biopsied.",
              "Erythema and erosions in the gastric antrum; biopsies taken for H. pylori.", "A clean-based 1 cm duodenal ulcer.",
              "Grade 2 esophageal varices without stigmata of recent bleeding.", "Cholangiogram showed a filling defect in the distal CBD.",
              "Gallbladder wall thickening with pericholecystic fluid and shadowing stones.", "Common bile duct dilated to 9 mm.",
              "Terminal ileum appeared normal.", "Diffuse continuous inflammation from the rectum to the splenic flexure.",
              "Pancreatic head is edematous with peripancreatic stranding."],
    op_details=["The patient was placed in the left lateral decubitus position and moderate sedation was administered.",
                "Digital rectal exam was performed and the colonoscope was inserted into the rectum.",
                "The scope was withdrawn carefully and the mucosa examined.", "The patient tolerated the procedure well.",
                "Pneumoperitoneum was established via Veress needle and four trocars were placed.",
                "The cystic duct and cystic artery were identified, clipped and divided, achieving the critical view of safety.",
                "The gallbladder was dissected off the liver bed with electrocautery and removed in an Endo Catch bag.",
                "The appendix was isolated and the base divided with an endoscopic stapler.",
                "The hernia sac was dissected free and reduced and a polypropylene mesh placed.",
                "The endoscope was passed through the upper esophageal sphincter under direct visualization.",
                "A sphincterotomy was performed and the duct swept with a balloon, extracting several stones.",
                "The fascia was closed with 0 PDS and the skin with staples."],
    phrases=["{He} reports {n} days of intermittent epigastric pain worse after meals.",
             "{He} has had bright red blood per rectum with bowel movements for {n} weeks.",
             "{He} is referred for screening colonoscopy; last colonoscopy was {n} years ago.",
             "{He} describes postprandial right upper quadrant pain radiating to the back.",
             "Liver enzymes were elevated with an alkaline phosphatase of {alk}.", "{He} had a bowel prep with GoLytely.",
             "{He} notes alternating diarrhea and constipation with bloating.", "Hemoglobin dropped from 12 to {hgb}.",
             "{He} has a history of heavy alcohol use.", "There is no family history of colon cancer."],
    plan=["Clear liquid diet, advance as tolerated.", "Await pathology results.", "Repeat colonoscopy in 5 years.",
          "High-fiber diet and increased water intake.", "Continue PPI twice daily for 8 weeks.",
          "Surgical consultation for cholecystectomy.", "NPO, IV fluids and serial abdominal exams.",
          "Check H. pylori biopsy results and treat if positive.", "Hepatitis A and B vaccination.",
          "Avoid NSAIDs and alcohol."],
    labs=["lipase {lipase}", "AST {ast}, ALT {alt}", "total bilirubin {bili}", "hemoglobin {hgb}", "albumin 3.{n}"],
    drugs=["omeprazole", "pantoprazole", "esomeprazole", "famotidine", "ondansetron", "metoclopramide", "sucralfate",
           "mesalamine", "infliximab", "adalimumab", "lactulose", "rifaximin", "docusate", "polyethylene glycol",
           "dicyclomine", "loperamide", "ursodiol", "ciprofloxacin", "metronidazole", "prednisone", "spironolactone"],
    ages=(20, 88),
)

_svc(
    "neurology_neurosurgery",
    specialty=["neurology", "neurosurgery", "neurological surgery", "neurodiagnostics"],
    titles=["NEUROLOGY CONSULTATION", "NEUROSURGERY CONSULTATION", "EEG REPORT", "EMG/NERVE CONDUCTION STUDY",
            "NEUROLOGIC EVALUATION", "OPERATIVE REPORT"],
    conditions="""
I63.9|acute ischemic stroke|CVA|cerebrovascular accident|stroke
G45.9|transient ischemic attack|TIA
I61.9|intracerebral hemorrhage
I60.9|subarachnoid hemorrhage|SAH
G40.909|seizure disorder|epilepsy
G40.209|complex partial seizures|focal epilepsy
R56.9|seizure|new-onset seizure
G43.909|migraine|migraine headaches
G43.109|migraine with aura
G44.209|tension headache
R51.9|headache
G35|multiple sclerosis|MS|relapsing-remitting multiple sclerosis
G20.A1|Parkinson disease|Parkinson's disease
G30.9|Alzheimer disease|Alzheimer's dementia
G31.84|mild cognitive impairment
G62.9|peripheral neuropathy|polyneuropathy
E11.42|diabetic peripheral neuropathy
G51.0|Bell palsy|Bell's palsy
G50.0|trigeminal neuralgia
G61.0|Guillain-Barre syndrome
G70.00|myasthenia gravis
G12.21|amyotrophic lateral sclerosis|ALS
G25.0|essential tremor
G25.81|restless legs syndrome
M50.20|cervical disc herniation|cervical disc displacement
M51.26|lumbar disc herniation|herniated nucleus pulposus|HNP
M48.062|lumbar spinal stenosis|spinal stenosis with neurogenic claudication
M54.16|lumbar radiculopathy|sciatica
M54.12|cervical radiculopathy
M47.812|cervical spondylosis
G93.1|anoxic brain injury
S06.0X0A|concussion|mild traumatic brain injury
S06.5X0A|subdural hematoma|traumatic subdural hematoma
G91.9|hydrocephalus|normal pressure hydrocephalus
D32.9|meningioma
C71.9|glioblastoma|brain tumor|glioma
R42|dizziness|vertigo
R20.2|paresthesias|numbness and tingling
G47.00|insomnia
""",
    symptoms="""headache|R51.9
dizziness|R42
vertigo|R42
numbness|R20.0
tingling|R20.2
weakness of the left arm|R53.1
slurred speech|R47.81
facial droop|R29.810
confusion|R41.0
memory loss|R41.3
tremor|R25.1
seizure activity|R56.9
blurred vision|H53.8
double vision|H53.2
neck pain|M54.2
low back pain radiating down the leg|M54.50
gait instability|R26.81
syncope|R55""",
    procedures=["craniotomy for evacuation of subdural hematoma", "right frontal craniotomy for tumor resection",
                "stereotactic brain biopsy", "ventriculoperitoneal shunt placement", "external ventricular drain placement",
                "anterior cervical discectomy and fusion", "ACDF C5-C6", "lumbar laminectomy", "L4-L5 hemilaminectomy and microdiscectomy",
                "posterior lumbar interbody fusion", "L5-S1 decompression", "kyphoplasty", "lumbar puncture",
                "deep brain stimulator placement", "vagus nerve stimulator placement", "carpal tunnel decompression",
                "cervical epidural steroid injection", "lumbar epidural steroid injection", "Botox injections for migraine",
                "spinal cord stimulator trial", "aneurysm clipping", "endovascular coiling of aneurysm", "thrombectomy"],
    diagnostics=["EEG", "electroencephalogram", "video EEG monitoring", "EMG", "electromyography", "nerve conduction studies",
                 "NCV", "MRI of the brain", "MRI brain with and without contrast", "CT head without contrast", "MRI cervical spine",
                 "MRI lumbar spine", "CT angiogram of the head and neck", "carotid Dopplers", "lumbar puncture",
                 "visual evoked potentials", "neuropsychological testing", "sleep study", "NIH Stroke Scale"],
    exam=["Pupils equal, round and reactive. Extraocular movements intact without nystagmus.",
          "Left-sided facial droop sparing the forehead.", "Strength 4/5 in the right upper extremity.", "Pronator drift on the left.",
          "Deep tendon reflexes 2+ and symmetric; toes downgoing.", "Babinski sign present on the right.",
          "Decreased sensation to pinprick in a stocking distribution.", "Positive straight leg raise on the left at 40 degrees.",
          "Spurling maneuver positive on the right.", "Resting tremor of the right hand with cogwheel rigidity.",
          "Finger-to-nose intact, gait wide-based.", "Romberg positive.", "Mini-Mental State Examination score 24/30.",
          "Expressive aphasia.", "Mild dysarthria.", "Neck supple without meningismus."],
    findings=["Background rhythm 9 Hz posterior dominant alpha, reactive to eye opening.",
              "Intermittent left temporal sharp waves during drowsiness.", "No electrographic seizures were captured.",
              "Photic stimulation produced symmetric driving.", "Prolonged distal motor latency of the right median nerve.",
              "Reduced sensory nerve action potential amplitudes in the lower extremities.",
              "Fibrillation potentials and positive sharp waves in the L5 myotome.",
              "MRI brain shows restricted diffusion in the left MCA territory.", "Acute on chronic subdural hematoma with 5 mm midline shift.",
              "Periventricular white matter lesions consistent with demyelination.", "Broad-based disc protrusion at L4-L5 with moderate canal stenosis.",
              "Disc osteophyte complex at C5-C6 with foraminal narrowing.", "No acute intracranial hemorrhage.",
              "Impression: abnormal EEG due to focal slowing over the left hemisphere."],
    op_details=["The patient was positioned prone on a Jackson table with all pressure points padded.",
                "A midline incision was made over the L4-L5 interspace and subperiosteal dissection carried out.",
                "Under the operating microscope the ligamentum flavum was removed and the nerve root retracted medially.",
                "The herniated disc fragment was removed and the foramen decompressed.",
                "Through a right anterior neck incision the platysma was divided and the carotid sheath retracted laterally.",
                "A complete discectomy was performed and an allograft spacer placed with an anterior cervical plate.",
                "A horseshoe incision was made and a bone flap elevated with the craniotome.",
                "The dura was opened in a cruciate fashion and the hematoma evacuated with irrigation and suction.",
                "Neuromonitoring with SSEPs and motor evoked potentials remained stable throughout.",
                "The dura was closed in a watertight fashion and the bone flap replaced with titanium plates.",
                "Fluoroscopy confirmed the correct level."],
    phrases=["{He} was last known well at {clock} when {he} developed sudden right-sided weakness and word-finding difficulty.",
             "{He} had a witnessed generalized tonic-clonic seizure lasting {n} minutes with postictal confusion.",
             "{He} describes throbbing unilateral headaches with photophobia and nausea, {n} per month.",
             "{He} has had low back pain radiating down the posterior left leg to the foot for {n} months.",
             "Conservative treatment with physical therapy and epidural injections failed.",
             "{He} notes numbness and tingling of both feet that has progressed over {n} years.",
             "Family reports progressive memory decline over {n} years.", "{He} was given tPA in the emergency room.",
             "{He} was referred for EMG/nerve conduction study for evaluation of hand numbness."],
    plan=["MRI brain with and without contrast.", "Seizure precautions.", "Continue antiepileptic medication; no driving for 6 months.",
          "Neuro checks every 2 hours.", "Physical therapy, occupational therapy and speech therapy evaluation.",
          "Permissive hypertension for 24 hours.", "Neurosurgery to follow.", "Headache diary and avoid triggers.",
          "Follow up in neurology clinic in 3 months.", "Begin secondary stroke prevention with antiplatelet therapy and statin."],
    labs=["sodium {na}", "glucose {glu}", "B12 {b12}", "CSF protein {n}5", "levetiracetam level pending"],
    drugs=["levetiracetam", "phenytoin", "carbamazepine", "lamotrigine", "valproate", "topiramate", "gabapentin", "pregabalin",
           "sumatriptan", "donepezil", "carbidopa", "ropinirole", "baclofen", "dexamethasone", "tizanidine", "aspirin",
           "clopidogrel", "atorvastatin", "cyclobenzaprine", "oxycodone", "acetaminophen"],
    ages=(18, 90),
)

_svc(
    "orthopedics",
    specialty=["orthopedics", "orthopedic surgery", "podiatry", "sports medicine", "hand surgery"],
    titles=["ORTHOPEDIC CONSULTATION", "OPERATIVE REPORT", "PODIATRY CONSULTATION", "ORTHOPEDIC FOLLOW-UP",
            "SPORTS MEDICINE EVALUATION"],
    conditions="""
M17.11|osteoarthritis of the right knee|right knee osteoarthritis|degenerative joint disease of the knee
M17.0|bilateral knee osteoarthritis
M16.12|osteoarthritis of the left hip|left hip degenerative arthritis
M23.221|medial meniscus tear|torn medial meniscus
S83.511A|anterior cruciate ligament tear|ACL tear|ACL rupture
M75.101|rotator cuff tear|rotator cuff tendinopathy
M75.01|adhesive capsulitis|frozen shoulder
M75.41|shoulder impingement syndrome|impingement syndrome
G56.01|carpal tunnel syndrome|right carpal tunnel syndrome
M65.311|trigger finger
M72.0|Dupuytren contracture
M77.11|lateral epicondylitis|tennis elbow
S72.001A|hip fracture|fracture of the femoral neck
S52.501A|distal radius fracture|Colles fracture
S82.891A|ankle fracture|bimalleolar ankle fracture
S82.201A|tibial shaft fracture
S42.001A|clavicle fracture
S62.101A|scaphoid fracture
S93.401A|ankle sprain|lateral ankle sprain
M21.611|bunion|hallux valgus
M20.41|hammertoe|hammer toe deformity
M72.2|plantar fasciitis
M76.61|Achilles tendinitis
L84|corns and calluses|callus
M25.561|right knee pain|knee pain
M25.511|right shoulder pain|shoulder pain
M54.50|low back pain|mechanical low back pain
M54.2|neck pain|cervicalgia
M06.9|rheumatoid arthritis|RA
M10.071|gout of the ankle|gouty arthritis
M86.171|osteomyelitis of the foot
M84.48XA|pathologic fracture
M81.0|osteoporosis
M41.9|scoliosis
M80.08XA|osteoporotic compression fracture
T84.51XA|infected total knee prosthesis|periprosthetic joint infection
M70.61|trochanteric bursitis
M93.261|osteochondritis dissecans of the knee
""",
    symptoms="""knee pain|M25.569
shoulder pain|M25.519
hip pain|M25.559
ankle pain|M25.579
heel pain|M79.671
wrist pain|M25.539
joint swelling|M25.40
stiffness|M25.60
locking of the knee|M23.8X9
instability of the knee|M25.369
low back pain|M54.50
numbness in the fingers|R20.0
limp|R26.89
foot pain|M79.673""",
    procedures=["right knee arthroscopy with partial medial meniscectomy", "arthroscopic ACL reconstruction with hamstring autograft",
                "total knee arthroplasty", "left total knee replacement", "total hip arthroplasty", "hemiarthroplasty of the hip",
                "open reduction and internal fixation of the distal radius", "ORIF of the ankle", "intramedullary nailing of the tibia",
                "closed reduction and percutaneous pinning", "arthroscopic rotator cuff repair", "subacromial decompression",
                "carpal tunnel release", "trigger finger release", "De Quervain release", "bunionectomy with first metatarsal osteotomy",
                "Austin bunionectomy", "hammertoe correction with arthroplasty", "plantar fascia release", "Achilles tendon repair",
                "cortisone injection of the knee", "joint aspiration", "removal of hardware", "irrigation and debridement",
                "spinal fusion", "amputation of the second toe", "cast application", "shoulder arthroplasty"],
    diagnostics=["x-rays of the right knee", "three views of the ankle", "MRI of the knee", "MRI of the shoulder",
                 "CT of the wrist", "bone density scan", "DEXA scan", "weight-bearing radiographs of the foot",
                 "standing AP pelvis", "ESR and CRP", "uric acid", "EMG"],
    exam=["Moderate effusion of the right knee with medial joint line tenderness.", "Positive McMurray test.",
          "Lachman test positive with soft endpoint.", "Range of motion 5 to 110 degrees with crepitus.",
          "Positive Neer and Hawkins impingement signs.", "Weakness with resisted external rotation.",
          "Positive Tinel and Phalen signs at the wrist.", "Thenar atrophy.", "Tenderness at the lateral epicondyle.",
          "Shortening and external rotation of the left lower extremity.", "Point tenderness over the anatomic snuffbox.",
          "Lateral deviation of the hallux with a prominent medial eminence.", "Flexion contracture of the second PIP joint.",
          "Tenderness at the medial calcaneal tubercle.", "Neurovascularly intact distally with brisk capillary refill.",
          "Compartments are soft.", "Antalgic gait."],
    findings=["X-rays show joint space narrowing of the medial compartment with osteophytes and subchondral sclerosis.",
              "Displaced intra-articular fracture of the distal radius with dorsal angulation.",
              "Complex tear of the posterior horn of the medial meniscus.", "Full-thickness supraspinatus tear with 1.5 cm retraction.",
              "Nondisplaced fracture of the lateral malleolus.", "Hallux valgus angle 32 degrees, intermetatarsal angle 15 degrees.",
              "Calcaneal spur on lateral view.", "No fracture or dislocation.", "Hardware intact without loosening.",
              "T-score -2.7 at the femoral neck."],
    op_details=["A tourniquet was applied to the upper thigh and inflated to 300 mmHg after exsanguination with an Esmarch.",
                "Standard anterolateral and anteromedial arthroscopy portals were established.",
                "Diagnostic arthroscopy revealed grade III chondromalacia of the medial femoral condyle.",
                "The torn meniscus was debrided back to a stable rim with a shaver.",
                "A medial parapatellar arthrotomy was performed and the distal femoral cuts made with the cutting guide.",
                "The components were cemented into place and the knee taken through a range of motion with good stability.",
                "The fracture was reduced under fluoroscopy and fixed with a volar locking plate and screws.",
                "The transverse carpal ligament was divided under direct vision, decompressing the median nerve.",
                "A medial incision was made over the first metatarsophalangeal joint and the medial eminence resected.",
                "A chevron osteotomy was made and fixed with a cannulated screw.",
                "The wound was irrigated and closed in layers; a bulky dressing and splint were applied.",
                "[[cefazolin|Antibiotics]] was given preoperatively.", "The joint was injected with [[bupivacaine|local anesthetic]] at the end of the case."],
    phrases=["{He} twisted {his} {side} knee playing basketball and felt a pop with immediate swelling.",
             "{He} slipped on ice and fell onto an outstretched hand.", "{He} has had {side} shoulder pain for {n} months, worse with overhead activity.",
             "{He} reports numbness in the thumb, index and middle fingers that wakes {him} at night.",
             "{He} has first-step pain in the morning at the heel.", "{He} has failed conservative management including NSAIDs, bracing and physical therapy.",
             "{He} is {n} weeks status post {proc} and is doing well.", "{He} ambulates with a walker.",
             "{He} complains of a painful bunion that rubs in shoes."],
    plan=["Weight bearing as tolerated with a walker.", "Physical therapy 2-3 times a week.", "Ice, elevation and rest.",
          "Nonweight bearing in a short leg cast for 6 weeks.", "DVT prophylaxis for 4 weeks.", "Sutures out in 10-14 days.",
          "Repeat x-rays at next visit.", "Schedule for surgery.", "Orthotics and stretching exercises.", "Wrist splint at night."],
    labs=["ESR {n}0", "CRP {n}.2", "uric acid {n}.1", "vitamin D {n}5"],
    drugs=["ibuprofen", "naproxen", "meloxicam", "celecoxib", "acetaminophen", "hydrocodone", "oxycodone", "tramadol",
           "cyclobenzaprine", "cefazolin", "cephalexin", "enoxaparin", "aspirin", "alendronate", "methotrexate",
           "prednisone", "gabapentin", "allopurinol"],
    ages=(14, 90),
)

_svc(
    "obstetrics_gynecology",
    specialty=["obstetrics and gynecology", "OB/GYN", "gynecology", "maternal-fetal medicine", "reproductive endocrinology"],
    titles=["OBSTETRIC ADMISSION NOTE", "GYNECOLOGY CONSULTATION", "DELIVERY NOTE", "OPERATIVE REPORT",
            "PRENATAL VISIT", "OB ULTRASOUND REPORT"],
    conditions="""
Z34.83|normal pregnancy, third trimester|intrauterine pregnancy|IUP
O80|normal spontaneous vaginal delivery|term pregnancy delivered
O24.410|gestational diabetes|GDM
O13.3|gestational hypertension
O14.93|preeclampsia
O42.90|premature rupture of membranes|PROM
O60.03|preterm labor
O32.1XX0|breech presentation
O34.211|previous cesarean delivery|prior C-section
O48.0|post-term pregnancy
O36.5930|intrauterine growth restriction|IUGR
O21.0|hyperemesis gravidarum
O00.90|ectopic pregnancy
O03.9|spontaneous abortion|miscarriage
O72.1|postpartum hemorrhage
O99.013|anemia of pregnancy
N92.0|menorrhagia|heavy menstrual bleeding
N93.9|abnormal uterine bleeding|AUB
N94.6|dysmenorrhea
D25.9|uterine fibroids|leiomyoma of uterus|fibroid uterus
N80.9|endometriosis
N83.209|ovarian cyst|left ovarian cyst
E28.2|polycystic ovary syndrome|PCOS
N97.9|infertility
N95.1|menopause|menopausal symptoms|hot flashes
N81.10|cystocele|pelvic organ prolapse
N81.2|uterine prolapse
N76.0|vaginitis|bacterial vaginosis
N73.9|pelvic inflammatory disease|PID
R87.610|atypical squamous cells of undetermined significance|ASCUS Pap
N87.1|cervical dysplasia|CIN II
N84.0|endometrial polyp
N39.3|stress urinary incontinence
Z30.09|contraception counseling
""",
    symptoms="""pelvic pain|R10.2
vaginal bleeding|N93.9
heavy periods|N92.0
painful periods|N94.6
vaginal discharge|N89.8
contractions|O47.9
leakage of fluid|O42.90
decreased fetal movement|O36.8190
nausea and vomiting of pregnancy|O21.9
hot flashes|N95.1
dyspareunia|N94.10
pelvic pressure|R10.2
irregular menses|N92.6""",
    procedures=["primary low transverse cesarean section", "repeat cesarean section", "total abdominal hysterectomy with bilateral salpingo-oophorectomy",
                "total laparoscopic hysterectomy", "vaginal hysterectomy", "dilation and curettage", "D&C with hysteroscopy",
                "operative hysteroscopy with polypectomy", "diagnostic laparoscopy", "laparoscopic left salpingo-oophorectomy",
                "laparoscopic ovarian cystectomy", "bilateral tubal ligation", "laparoscopic excision of endometriosis",
                "LEEP procedure", "cervical cerclage", "endometrial ablation", "myomectomy", "amniocentesis",
                "vacuum-assisted vaginal delivery", "spontaneous vaginal delivery with repair of second-degree laceration",
                "colposcopy with biopsies", "IUD insertion", "anterior colporrhaphy", "suction D&C for missed abortion",
                "salpingectomy for ectopic pregnancy"],
    diagnostics=["nonstress test", "NST", "biophysical profile", "obstetric ultrasound", "transvaginal ultrasound",
                 "pelvic ultrasound", "glucose challenge test", "Pap smear", "HPV testing", "quantitative beta hCG",
                 "endometrial biopsy", "fetal heart rate monitoring", "group B strep culture", "hysterosalpingogram"],
    exam=["Fundal height 34 cm.", "Fetal heart tones 140s.", "Cervix 4 cm dilated, 80% effaced, -1 station.",
          "Uterus enlarged to 14-week size, irregular.", "Adnexal tenderness on the left without masses.",
          "Cervical motion tenderness.", "Speculum exam: normal-appearing cervix, no lesions.", "Vertex presentation by Leopold maneuvers.",
          "Nitrazine positive, ferning present.", "External genitalia normal.", "Grade 2 cystocele with Valsalva.",
          "Fundus firm at the umbilicus.", "Bimanual exam: uterus anteverted, normal size, mobile."],
    findings=["Single live intrauterine pregnancy, vertex, estimated fetal weight 2,900 g.", "Amniotic fluid index 12 cm.",
              "Reactive nonstress test with accelerations and no decelerations.", "Category I fetal heart tracing.",
              "Multiple intramural fibroids, largest 5 cm.", "Endometrial stripe 14 mm.", "A 4 cm simple cyst of the left ovary.",
              "No intrauterine pregnancy; free fluid in the cul-de-sac.", "Biophysical profile 8/8.", "Posterior placenta, no previa.",
              "Pathology showed proliferative endometrium without hyperplasia."],
    op_details=["A Pfannenstiel skin incision was made and carried through to the fascia, which was incised transversely.",
                "The bladder flap was created and a low transverse uterine incision made.",
                "The infant was delivered from the vertex position, the cord clamped and cut, and the baby handed to the pediatricians.",
                "The placenta was delivered manually and the uterus exteriorized and cleared of clots.",
                "The hysterotomy was closed in two layers with 0 Vicryl.",
                "[[oxytocin|Uterotonics]] was infused and the uterus was firm.", "Apgars were 8 and 9.",
                "The cervix was dilated with Hegar dilators and sharp curettage performed until a gritty texture was noted.",
                "The hysteroscope was introduced and the endometrial cavity inspected.",
                "The uterine arteries were clamped, cut and suture ligated.", "The vaginal cuff was closed with figure-of-eight sutures.",
                "The patient was placed in dorsal lithotomy position and prepped and draped in the usual sterile fashion."],
    phrases=["{age}-year-old G{g}P{p} at {ga} weeks gestation by LMP consistent with {n}-week ultrasound.",
             "She presents with regular painful contractions every {n} minutes.", "She reports good fetal movement.",
             "She denies vaginal bleeding, leakage of fluid or contractions.", "Her prenatal course was complicated by {cond}.",
             "Her last menstrual period was {n} weeks ago.", "She has had heavy menses with clots for {n} months, requiring {n} pads per day.",
             "Blood type O positive, rubella immune, GBS negative.", "She desires permanent sterilization.",
             "She is postmenopausal and presents with postmenopausal bleeding."],
    plan=["Admit to labor and delivery.", "Continuous fetal monitoring.", "Epidural on request.", "Pitocin augmentation per protocol.",
          "Routine postpartum care.", "Follow up in 6 weeks for postpartum check.", "Kick counts and preterm labor precautions reviewed.",
          "Schedule for hysterectomy.", "Repeat Pap smear in 1 year.", "Pelvic rest.", "Betamethasone for fetal lung maturity."],
    labs=["hemoglobin {hgb}", "beta hCG {n}450", "1-hour glucose {glu}", "platelets {plt}"],
    drugs=["prenatal vitamins", "folic acid", "ferrous sulfate", "oxytocin", "terbutaline", "medroxyprogesterone", "estradiol",
           "norethindrone", "metronidazole", "misoprostol", "magnesium sulfate", "clomiphene", "fluconazole", "ibuprofen",
           "acetaminophen", "ondansetron", "labetalol", "nifedipine", "insulin lispro", "cefazolin"],
    ages=(17, 72),
    sex="F",
)

_svc(
    "urology",
    specialty=["urology", "urologic surgery", "urogynecology"],
    titles=["UROLOGY CONSULTATION", "CYSTOSCOPY REPORT", "OPERATIVE REPORT", "UROLOGY FOLLOW-UP"],
    conditions="""
N20.0|kidney stone|nephrolithiasis|renal calculus
N20.1|ureteral stone|ureterolithiasis|ureteral calculus
N13.2|hydronephrosis with ureteral stone|obstructing ureteral stone
N40.1|benign prostatic hyperplasia with lower urinary tract symptoms|BPH with LUTS|enlarged prostate
N40.0|benign prostatic hyperplasia|BPH
C61|prostate cancer|adenocarcinoma of the prostate
R97.20|elevated PSA
C67.9|bladder cancer|transitional cell carcinoma of the bladder|urothelial carcinoma
C64.1|renal cell carcinoma|right renal mass
N39.0|urinary tract infection|UTI
N30.00|acute cystitis
N41.0|acute prostatitis
N32.81|overactive bladder|OAB
N39.3|stress urinary incontinence
N39.41|urge incontinence
R33.9|urinary retention
N35.919|urethral stricture
N52.9|erectile dysfunction|ED
N43.3|hydrocele
I86.1|varicocele
N45.1|epididymitis
N44.00|testicular torsion
N47.1|phimosis
Q53.10|undescended testicle|cryptorchidism
N46.9|male infertility
R31.9|hematuria|gross hematuria
R31.1|microscopic hematuria
N28.1|renal cyst|simple renal cyst
Z30.2|vasectomy counseling|desires sterilization
N31.9|neurogenic bladder
""",
    symptoms="""hematuria|R31.9
dysuria|R30.0
urinary frequency|R35.0
urgency|R39.15
nocturia|R35.1
weak urinary stream|R39.12
incomplete bladder emptying|R39.14
flank pain|R10.9
suprapubic pain|R10.30
urinary retention|R33.9
scrotal pain|N50.819
urinary incontinence|R32
hesitancy|R39.11""",
    procedures=["cystoscopy", "flexible cystoscopy", "cystoscopy with bladder biopsy", "transurethral resection of bladder tumor",
                "TURBT", "transurethral resection of the prostate", "TURP", "photoselective vaporization of the prostate",
                "ureteroscopy with laser lithotripsy and stent placement", "cystoscopy with left retrograde pyelogram and ureteral stent placement",
                "extracorporeal shock wave lithotripsy", "percutaneous nephrolithotomy", "robotic-assisted laparoscopic radical prostatectomy",
                "radical nephrectomy", "partial nephrectomy", "vasectomy", "no-scalpel vasectomy", "circumcision", "hydrocelectomy",
                "orchiopexy", "orchiectomy", "transrectal ultrasound-guided prostate biopsy", "urethral dilation",
                "placement of suprapubic catheter", "midurethral sling placement", "penile prosthesis insertion", "urodynamic study"],
    diagnostics=["urinalysis", "urine culture", "PSA", "renal ultrasound", "CT urogram", "CT abdomen and pelvis without contrast",
                 "KUB", "post-void residual", "uroflowmetry", "urodynamics", "urine cytology", "scrotal ultrasound",
                 "bladder scan", "MRI of the prostate"],
    exam=["Genitourinary: Normal circumcised phallus, testes descended bilaterally.", "Prostate 40 g, smooth, nontender, no nodules.",
          "Firm nodule in the left lobe of the prostate.", "Left costovertebral angle tenderness.", "Suprapubic tenderness, bladder not palpable.",
          "Bladder palpable to the umbilicus.", "Right hemiscrotal swelling that transilluminates.", "Bag of worms left hemiscrotum on standing.",
          "Meatus normal, no discharge.", "Tight phimotic ring."],
    findings=["The urethra was normal; the prostatic urethra showed trilobar hypertrophy with obstruction.",
              "A 2 cm papillary tumor at the left lateral bladder wall.", "Bladder trabeculation with cellules.", "Ureteral orifices in normal position with clear efflux.",
              "A 7 mm stone at the left ureterovesical junction with moderate hydronephrosis.", "Multiple nonobstructing right renal stones.",
              "PSA {n}.4 ng/mL.", "Post-void residual 250 mL.", "Gleason 3+4=7 adenocarcinoma in 3 of 12 cores.",
              "Urine culture grew more than 100,000 colonies of E. coli.", "No filling defects on retrograde pyelogram."],
    op_details=["The patient was placed in dorsal lithotomy position and the genitalia prepped and draped.",
                "The cystoscope was introduced per urethra under direct vision and the bladder systematically inspected.",
                "A guidewire was passed up the left ureter under fluoroscopy.", "The semi-rigid ureteroscope was advanced to the stone.",
                "The stone was fragmented with the holmium laser and fragments extracted with a basket.",
                "A 6 x 26 double-J ureteral stent was placed with a good curl in the kidney and bladder.",
                "The resectoscope was inserted and the prostate resected from the bladder neck to the verumontanum.",
                "Hemostasis was obtained with electrocautery and a 22-French three-way Foley catheter placed with CBI.",
                "The vas deferens was isolated through a small scrotal puncture, divided and the ends cauterized.",
                "The foreskin was marked and excised and the edges reapproximated with chromic sutures.",
                "[[lidocaine|Local anesthetic]] jelly was instilled into the urethra."],
    phrases=["{He} has had {n} days of severe colicky {side} flank pain radiating to the groin with nausea.",
             "{He} reports nocturia {n} times a night, weak stream and hesitancy.", "AUA symptom score is {n}4.",
             "{He} was referred for an elevated PSA.", "{He} had an episode of painless gross hematuria.",
             "{He} desires permanent sterilization and has completed {his} family.", "{He} has a history of recurrent kidney stones.",
             "{He} has a Foley catheter in place after failing a voiding trial."],
    plan=["Strain urine and increase fluid intake.", "Stent removal in 1 week.", "Repeat PSA in 3 months.",
          "Semen analysis in 8-12 weeks to confirm azoospermia.", "Continue alpha blocker.", "Void trial in the morning.",
          "Cystoscopy surveillance every 3 months.", "Stone analysis and 24-hour urine study.", "Kegel exercises."],
    labs=["PSA {n}.4", "creatinine 1.{n}", "urine culture pending", "UA with {n}0 RBCs/hpf"],
    drugs=["tamsulosin", "finasteride", "oxybutynin", "tolterodine", "ciprofloxacin", "nitrofurantoin", "sulfamethoxazole",
           "phenazopyridine", "sildenafil", "bicalutamide", "leuprolide", "potassium citrate", "ketorolac", "oxycodone",
           "cephalexin", "ibuprofen"],
    ages=(18, 90),
    sex="M",
)

_svc(
    "nephrology",
    specialty=["nephrology", "renal medicine", "transplant nephrology"],
    titles=["NEPHROLOGY CONSULTATION", "RENAL CONSULTATION", "DIALYSIS NOTE", "NEPHROLOGY FOLLOW-UP"],
    conditions="""
N18.4|chronic kidney disease stage 4|CKD stage 4|CKD IV
N18.30|chronic kidney disease stage 3|CKD 3|chronic renal insufficiency
N18.6|end-stage renal disease|ESRD|end-stage kidney disease
N17.9|acute kidney injury|AKI|acute renal failure|ARF
N17.0|acute tubular necrosis|ATN
E11.22|diabetic nephropathy|diabetic kidney disease
I12.9|hypertensive nephrosclerosis|hypertensive kidney disease
N04.9|nephrotic syndrome
N05.9|glomerulonephritis
N02.8|IgA nephropathy
M32.14|lupus nephritis
Q61.2|polycystic kidney disease|autosomal dominant polycystic kidney disease|ADPKD
E87.1|hyponatremia
E87.5|hyperkalemia
E87.6|hypokalemia
E87.20|metabolic acidosis
E87.0|hypernatremia
E83.52|hypercalcemia
E83.39|hyperphosphatemia
N25.81|secondary hyperparathyroidism of renal origin|secondary hyperparathyroidism
D63.1|anemia of chronic kidney disease|anemia in CKD
R80.9|proteinuria
E86.0|dehydration|volume depletion
N28.0|renal artery stenosis
Z99.2|dialysis dependence|on hemodialysis
Z94.0|kidney transplant status|status post renal transplant
T86.11|kidney transplant rejection
""",
    symptoms="""decreased urine output|R34
swelling of the legs|R60.0
fatigue|R53.83
foamy urine|R80.9
nausea|R11.0
pruritus|L29.9
muscle cramps|R25.2
shortness of breath|R06.02
poor appetite|R63.0
confusion|R41.0""",
    procedures=["hemodialysis", "peritoneal dialysis", "continuous renal replacement therapy", "CRRT",
                "left radiocephalic arteriovenous fistula creation", "AV fistula creation", "brachiocephalic AV fistula",
                "arteriovenous graft placement", "tunneled dialysis catheter placement", "temporary dialysis catheter placement",
                "percutaneous renal biopsy", "ultrasound-guided kidney biopsy", "peritoneal dialysis catheter placement",
                "fistulogram with angioplasty", "kidney transplant", "plasmapheresis"],
    diagnostics=["basic metabolic panel", "BMP", "renal function panel", "urine protein-to-creatinine ratio", "urine albumin",
                 "24-hour urine protein", "renal ultrasound", "urine sodium", "urine electrolytes", "serum osmolality",
                 "PTH", "phosphorus", "iron studies", "ANA", "complement levels", "ANCA", "eGFR", "renal Doppler"],
    exam=["Lungs: Bibasilar crackles.", "3+ pitting edema to the knees.", "Left forearm AV fistula with palpable thrill and audible bruit.",
          "Right internal jugular tunneled catheter, site clean.", "Asterixis present.", "Dry mucous membranes, poor skin turgor.",
          "Pericardial friction rub.", "Peritoneal dialysis catheter exit site without erythema.", "Uremic fetor."],
    findings=["Creatinine {cr} mg/dL, up from a baseline of 1.{n}.", "BUN {bun}.", "eGFR {n}8 mL/min/1.73 m2.",
              "Potassium 6.{n} with peaked T waves.", "Sodium 12{n}.", "Urine protein-to-creatinine ratio 3.{n} g/g.",
              "Renal ultrasound shows small echogenic kidneys without hydronephrosis.", "FENa less than 1%, consistent with prerenal azotemia.",
              "Renal biopsy showed focal segmental glomerulosclerosis.", "Kt/V 1.{n}.", "PTH {n}40 pg/mL, phosphorus 6.{n}.",
              "Urine sediment with muddy brown granular casts."],
    op_details=["Under regional block, a longitudinal incision was made over the wrist.", "The cephalic vein and radial artery were dissected free.",
                "An end-to-side anastomosis of the vein to the artery was performed with 7-0 Prolene.",
                "A good thrill was palpated at the end of the procedure.", "Under ultrasound guidance the right internal jugular vein was accessed.",
                "The catheter was tunneled subcutaneously and its tip positioned at the cavoatrial junction under fluoroscopy.",
                "With real-time ultrasound the lower pole of the left kidney was sampled with an 18-gauge biopsy needle, obtaining two cores.",
                "[[heparin|Anticoagulant]] lock was instilled into both lumens."],
    phrases=["{He} is on hemodialysis Monday, Wednesday and Friday via a left arm AV fistula.", "Dry weight is {n}8 kg.",
             "Creatinine has risen from a baseline of 1.{n} to {cr} over {n} days.", "{He} received IV contrast {n} days ago.",
             "{He} has been taking NSAIDs for back pain.", "{He} has poorly controlled diabetes and proteinuria.",
             "{He} is being evaluated for renal replacement therapy options.", "{He} misses dialysis sessions occasionally."],
    plan=["Avoid nephrotoxins and hold NSAIDs.", "Renally dose all medications.", "Strict intake and output.", "Low potassium, low phosphorus renal diet.",
          "Hemodialysis today with 2K bath.", "Fluid restriction to 1.2 L per day.", "Recheck BMP in the morning.",
          "Vascular surgery referral for AV fistula.", "Transplant evaluation referral.", "Urine studies and renal ultrasound."],
    labs=["creatinine {cr}", "BUN {bun}", "potassium 5.{n}", "sodium 12{n}", "bicarbonate 1{n}", "phosphorus 6.{n}", "hemoglobin {hgb}"],
    drugs=["sevelamer", "calcitriol", "epoetin alfa", "sodium bicarbonate", "calcium acetate", "cinacalcet", "tacrolimus",
           "mycophenolate", "prednisone", "furosemide", "potassium chloride", "amlodipine", "losartan", "lisinopril",
           "ferrous sulfate", "heparin", "torsemide"],
    ages=(25, 90),
)

_svc(
    "hematology_oncology",
    specialty=["hematology/oncology", "medical oncology", "hematology", "oncology", "radiation oncology"],
    titles=["HEMATOLOGY/ONCOLOGY CONSULTATION", "ONCOLOGY FOLLOW-UP", "BONE MARROW BIOPSY REPORT", "CHEMOTHERAPY NOTE",
            "TUMOR BOARD SUMMARY"],
    conditions="""
C50.911|breast cancer|invasive ductal carcinoma of the right breast
C34.90|non-small cell lung cancer|lung adenocarcinoma|NSCLC
C18.9|colon cancer|adenocarcinoma of the colon
C20|rectal cancer
C25.9|pancreatic cancer|pancreatic adenocarcinoma
C56.9|ovarian cancer
C16.9|gastric cancer
C22.0|hepatocellular carcinoma|HCC
C83.30|diffuse large B-cell lymphoma|DLBCL
C81.90|Hodgkin lymphoma
C85.90|non-Hodgkin lymphoma|NHL
C90.00|multiple myeloma
C91.10|chronic lymphocytic leukemia|CLL
C92.00|acute myeloid leukemia|AML
C91.00|acute lymphoblastic leukemia|ALL
C92.10|chronic myeloid leukemia|CML
D46.9|myelodysplastic syndrome|MDS
C79.51|metastatic disease to bone|bone metastases
C78.7|liver metastases
D50.9|iron deficiency anemia
D51.0|pernicious anemia|B12 deficiency anemia
D57.1|sickle cell disease
D56.1|beta thalassemia
D69.6|thrombocytopenia
D69.3|immune thrombocytopenic purpura|ITP
D68.51|factor V Leiden
D68.62|lupus anticoagulant
D70.9|neutropenia
D70.1|neutropenic fever|febrile neutropenia
D45|polycythemia vera
D47.3|essential thrombocythemia
R59.0|lymphadenopathy
D72.829|leukocytosis
D66|hemophilia A
""",
    symptoms="""fatigue|R53.83
night sweats|R61
unintentional weight loss|R63.4
easy bruising|R23.3
bleeding gums|K06.8
swollen lymph nodes|R59.9
bone pain|M89.9
breast lump|N63.0
shortness of breath|R06.02
fever|R50.9
early satiety|R68.81""",
    procedures=["bone marrow aspiration and biopsy", "port-a-cath placement", "Mediport insertion", "excisional lymph node biopsy",
                "core needle biopsy", "CT-guided lung biopsy", "lumpectomy with sentinel lymph node biopsy", "modified radical mastectomy",
                "chemotherapy infusion", "cycle 3 of R-CHOP", "FOLFOX chemotherapy", "autologous stem cell transplant",
                "packed red blood cell transfusion", "platelet transfusion", "therapeutic phlebotomy", "radiation therapy",
                "lumbar puncture with intrathecal chemotherapy", "IV iron infusion", "PICC line placement"],
    diagnostics=["CBC with differential", "peripheral smear", "PET/CT", "CT chest, abdomen and pelvis", "bone scan", "flow cytometry",
                 "serum protein electrophoresis", "SPEP", "free light chains", "iron studies", "ferritin", "reticulocyte count",
                 "LDH", "CEA", "CA-125", "tumor markers", "BRCA testing", "cytogenetics", "hemoglobin electrophoresis", "coagulation panel"],
    exam=["Palpable 2 cm left supraclavicular lymph node.", "Splenomegaly 4 cm below the costal margin.", "Pallor of the conjunctivae.",
          "Scattered petechiae on the lower extremities.", "Right chest port site clean, dry and intact.", "Mass in the upper outer quadrant of the right breast.",
          "No hepatosplenomegaly.", "Cervical and axillary lymphadenopathy.", "Mucositis of the buccal mucosa.", "ECOG performance status 1."],
    findings=["Hypercellular marrow with 40% blasts.", "Peripheral smear shows schistocytes.", "Hemoglobin {hgb} with MCV 72.",
              "Ferritin 8 ng/mL.", "M-spike of 2.{n} g/dL on SPEP.", "PET/CT shows FDG-avid mediastinal and retroperitoneal adenopathy.",
              "Pathology: invasive ductal carcinoma, grade 2, ER positive, PR positive, HER2 negative.", "Ki-67 of 30%.",
              "Stage IIIA (T2 N2 M0).", "Absolute neutrophil count 400.", "Platelets {plt}.", "Flow cytometry shows a CD20-positive clonal B-cell population.",
              "CT shows interval decrease in size of the liver lesions consistent with partial response."],
    op_details=["The posterior iliac crest was identified, prepped and anesthetized with [[lidocaine|local anesthetic]].",
                "A Jamshidi needle was advanced and an aspirate and core biopsy obtained.",
                "Under ultrasound guidance the right internal jugular vein was accessed and the port reservoir placed in a subcutaneous pocket.",
                "The port was accessed and flushed with heparinized saline with good blood return.",
                "Premedications were given and the infusion was completed without reaction.", "Pressure was held and a sterile dressing applied."],
    phrases=["{He} was diagnosed with {cond} in {year} and completed {n} cycles of chemotherapy.",
             "{He} presents for cycle {n} day 1 of chemotherapy.", "{He} tolerated the last cycle with grade 1 nausea and fatigue.",
             "{He} was referred for evaluation of anemia found on routine labs.", "{He} has had drenching night sweats and a {n}0-pound weight loss.",
             "Tumor board recommended neoadjuvant chemotherapy followed by surgery.", "Goals of care were discussed with the patient and family.",
             "{He} is a candidate for a clinical trial.", "The patient's ECOG performance status is {n}."],
    plan=["Proceed with chemotherapy as scheduled.", "Neulasta on day 2.", "Transfuse for hemoglobin less than 7.", "Restage with PET/CT after 3 cycles.",
          "Check CBC weekly.", "Antiemetics as needed.", "Referral to radiation oncology.", "Palliative care consultation.",
          "Iron studies and B12 level.", "Genetic counseling referral."],
    labs=["hemoglobin {hgb}", "WBC {wbc}", "platelets {plt}", "ANC 1.{n}", "LDH {n}80", "ferritin {n}2"],
    drugs=["cyclophosphamide", "doxorubicin", "paclitaxel", "carboplatin", "cisplatin", "rituximab", "tamoxifen", "anastrozole",
           "imatinib", "capecitabine", "hydroxyurea", "filgrastim", "ondansetron", "prochlorperazine", "dexamethasone",
           "allopurinol", "ferrous sulfate", "cyanocobalamin", "enoxaparin", "warfarin", "folic acid", "morphine"],
    ages=(20, 90),
)

_svc(
    "ent",
    specialty=["otolaryngology", "ENT", "head and neck surgery", "otolaryngology-head and neck surgery"],
    titles=["ENT CONSULTATION", "OTOLARYNGOLOGY CONSULTATION", "OPERATIVE REPORT", "AUDIOLOGY REPORT"],
    conditions="""
J35.01|chronic tonsillitis
J35.3|tonsillar and adenoid hypertrophy|adenotonsillar hypertrophy
J03.90|acute tonsillitis
J02.0|streptococcal pharyngitis|strep throat
J36|peritonsillar abscess
J32.9|chronic sinusitis|chronic rhinosinusitis
J01.90|acute sinusitis
J33.9|nasal polyps
J34.2|deviated nasal septum|septal deviation
J34.3|turbinate hypertrophy|hypertrophy of nasal turbinates
J30.9|allergic rhinitis
R04.0|epistaxis|nosebleed
H66.90|otitis media|acute otitis media
H65.90|otitis media with effusion|serous otitis media
H60.90|otitis externa|swimmer's ear
H61.20|cerumen impaction|impacted cerumen
H71.90|cholesteatoma
H72.90|tympanic membrane perforation
H90.3|sensorineural hearing loss|bilateral sensorineural hearing loss
H91.90|hearing loss
H93.19|tinnitus
H81.10|benign paroxysmal positional vertigo|BPPV
H81.09|Meniere disease
J38.01|vocal cord paralysis
J38.1|vocal cord polyp|vocal cord nodules
J37.0|chronic laryngitis
R49.0|hoarseness|dysphonia
E04.1|thyroid nodule
R22.1|neck mass
K11.20|sialadenitis
C32.9|laryngeal cancer
G47.33|obstructive sleep apnea
""",
    symptoms="""sore throat|J02.9
ear pain|H92.09
hearing loss|H91.90
ear drainage|H92.10
tinnitus|H93.19
nasal congestion|R09.81
nasal obstruction|J34.89
postnasal drip|R09.82
facial pressure|R68.84
hoarseness|R49.0
snoring|R06.83
nosebleeds|R04.0
difficulty swallowing|R13.10
neck swelling|R22.1
vertigo|R42""",
    procedures=["tonsillectomy and adenoidectomy", "tonsillectomy", "adenoidectomy", "bilateral myringotomy with tympanostomy tube placement",
                "myringotomy and tubes", "septoplasty", "septoplasty with bilateral inferior turbinate reduction", "functional endoscopic sinus surgery",
                "FESS with maxillary antrostomy and ethmoidectomy", "nasal endoscopy", "direct laryngoscopy", "microlaryngoscopy with excision of vocal cord lesion",
                "flexible fiberoptic laryngoscopy", "total thyroidectomy", "right thyroid lobectomy", "parotidectomy", "tympanoplasty",
                "mastoidectomy", "cerumen removal under microscopy", "incision and drainage of peritonsillar abscess",
                "uvulopalatopharyngoplasty", "tracheostomy", "neck dissection", "excision of branchial cleft cyst", "fine needle aspiration of neck mass"],
    diagnostics=["audiogram", "tympanometry", "CT of the sinuses", "nasal endoscopy", "flexible laryngoscopy", "videostroboscopy",
                 "thyroid ultrasound", "CT neck with contrast", "rapid strep test", "throat culture", "allergy testing",
                 "videonystagmography", "Dix-Hallpike maneuver", "sleep study"],
    exam=["Tonsils 3+ bilaterally, cryptic.", "Right tympanic membrane bulging and erythematous with decreased mobility.",
          "Bilateral middle ear effusions with retracted tympanic membranes.", "Septum deviated to the left with obstruction.",
          "Inferior turbinates hypertrophic, boggy and pale.", "Nasal polyps in the middle meatus bilaterally.",
          "Canal edematous with debris; pain with tragal pressure.", "Cerumen occluding the right canal.",
          "Uvula deviated to the left with fullness of the right soft palate.", "Weber lateralizes to the left; Rinne AC > BC bilaterally.",
          "Firm 2 cm mobile nodule in the right thyroid lobe.", "Vocal folds mobile bilaterally with a small nodule at the junction of the anterior and middle third."],
    findings=["Audiogram shows bilateral high-frequency sensorineural hearing loss.", "Type B tympanogram bilaterally.",
              "Mild conductive hearing loss on the right.", "CT sinuses: mucosal thickening of the maxillary and ethmoid sinuses with osteomeatal complex obstruction.",
              "Word recognition 92% bilaterally.", "Laryngoscopy: left vocal cord immobile in the paramedian position.",
              "Thyroid ultrasound: 1.8 cm hypoechoic nodule with microcalcifications (TI-RADS 4).", "Dix-Hallpike positive on the right with geotropic nystagmus."],
    op_details=["The patient was intubated and the table turned 90 degrees.", "A Crowe-Davis mouth gag was inserted and suspended.",
                "The tonsils were removed using electrocautery dissection in the subcapsular plane.",
                "The adenoids were removed with a suction cautery and hemostasis achieved.",
                "Under the operating microscope a radial myringotomy was made in the anteroinferior quadrant.",
                "Thick mucoid fluid was suctioned and a Armstrong tube placed.", "[[ciprofloxacin|Antibiotic]] otic drops were placed.",
                "A hemitransfixion incision was made and mucoperichondrial flaps elevated.",
                "The deviated portion of the quadrangular cartilage and bony septum were removed.",
                "Using the 0-degree endoscope the uncinate process was removed and the maxillary ostium widened.",
                "The recurrent laryngeal nerve was identified and preserved.", "The parathyroid glands were identified and preserved."],
    phrases=["{He} has had {n} episodes of tonsillitis in the past year requiring antibiotics.",
             "Mother reports loud snoring with witnessed apneic pauses.", "{He} has chronic nasal obstruction, worse on the {side}.",
             "{He} has had recurrent ear infections, {n} in the last 6 months.", "{He} reports progressive hearing loss and ringing in both ears.",
             "{He} has had hoarseness for {n} weeks.", "{He} has facial pressure and purulent nasal drainage despite {n} courses of antibiotics.",
             "{He} noticed a painless lump in the neck {n} months ago."],
    plan=["Saline nasal irrigation twice daily.", "Schedule for tonsillectomy and adenoidectomy.", "Repeat audiogram in 6 months.",
          "Epley maneuver performed in clinic.", "Voice therapy referral.", "Fine needle aspiration of the thyroid nodule.",
          "Hearing aid evaluation.", "Dry ear precautions.", "Soft diet and pain control after surgery."],
    labs=["rapid strep positive", "TSH {tsh}"],
    drugs=["amoxicillin", "amoxicillin clavulanate", "cefdinir", "azithromycin", "fluticasone nasal", "mometasone", "cetirizine",
           "loratadine", "ciprofloxacin otic", "oxymetazoline", "pseudoephedrine", "meclizine", "prednisone", "montelukast",
           "acetaminophen", "ibuprofen", "levothyroxine"],
    ages=(2, 85),
)

_svc(
    "ophthalmology",
    specialty=["ophthalmology", "retina", "glaucoma service", "cornea service", "optometry"],
    titles=["OPHTHALMOLOGY CONSULTATION", "EYE EXAMINATION", "OPERATIVE REPORT", "RETINA CONSULTATION"],
    conditions="""
H25.9|cataract|age-related cataract|senile cataract
H25.11|nuclear sclerotic cataract|nuclear cataract right eye
H40.1131|primary open-angle glaucoma|POAG|glaucoma
H40.20X0|angle-closure glaucoma
H40.009|glaucoma suspect|ocular hypertension
E11.3599|proliferative diabetic retinopathy
E11.3299|nonproliferative diabetic retinopathy|diabetic retinopathy
E11.311|diabetic macular edema
H35.30|macular degeneration|age-related macular degeneration|AMD
H35.3211|wet macular degeneration|exudative AMD
H33.001|retinal detachment|rhegmatogenous retinal detachment
H34.10|central retinal artery occlusion
H34.8110|central retinal vein occlusion|CRVO
H43.391|vitreous floaters|posterior vitreous detachment
H43.10|vitreous hemorrhage
H10.9|conjunctivitis|pink eye
H10.13|allergic conjunctivitis
H16.9|keratitis
H18.609|keratoconus
H04.123|dry eye syndrome|dry eyes
H01.009|blepharitis
H00.019|hordeolum|stye
H00.19|chalazion
H11.001|pterygium
H20.9|iritis|anterior uveitis
H50.9|strabismus
H53.009|amblyopia
H52.4|presbyopia
H52.13|myopia
H46.9|optic neuritis
H57.10|eye pain
H53.8|blurred vision
H54.7|decreased vision|visual loss
S05.01XA|corneal abrasion
""",
    symptoms="""blurred vision|H53.8
decreased vision|H54.7
eye pain|H57.10
red eye|H57.89
floaters|H43.399
flashes of light|H53.19
glare|H53.8
itchy eyes|H57.89
tearing|H04.203
double vision|H53.2
photophobia|H53.149
foreign body sensation|H57.89""",
    procedures=["phacoemulsification with posterior chamber intraocular lens implantation", "cataract extraction with IOL",
                "phacoemulsification of the right eye", "trabeculectomy with mitomycin C", "pars plana vitrectomy",
                "scleral buckle", "pneumatic retinopexy", "panretinal photocoagulation", "YAG laser capsulotomy",
                "laser peripheral iridotomy", "selective laser trabeculoplasty", "intravitreal anti-VEGF injection",
                "intravitreal injection of bevacizumab", "pterygium excision with conjunctival autograft", "corneal transplant",
                "chalazion incision and curettage", "blepharoplasty", "strabismus surgery", "LASIK", "glaucoma drainage device"],
    diagnostics=["slit lamp examination", "dilated fundus examination", "optical coherence tomography", "OCT of the macula",
                 "fluorescein angiography", "visual field testing", "Humphrey visual field", "gonioscopy", "tonometry",
                 "applanation tonometry", "A-scan biometry", "pachymetry", "B-scan ultrasound", "refraction", "corneal topography"],
    exam=["Visual acuity 20/60 OD, 20/25 OS.", "Intraocular pressure 24 mmHg OD and 22 mmHg OS by applanation.",
          "Slit lamp: 3+ nuclear sclerosis OU.", "Cup-to-disc ratio 0.8 OD and 0.7 OS.", "Anterior chamber deep and quiet.",
          "Cells and flare in the anterior chamber.", "Conjunctiva injected with papillary reaction.", "Fluorescein uptake in a linear pattern.",
          "Dot-blot hemorrhages and hard exudates in the posterior pole.", "Macula with drusen and pigment changes.",
          "Afferent pupillary defect on the right.", "Lids with meibomian gland dysfunction and collarettes."],
    findings=["OCT shows subretinal fluid and intraretinal cysts.", "Central macular thickness 420 microns.",
              "Visual field shows a superior arcuate defect OD.", "Fluorescein angiography: neovascularization of the disc.",
              "Retina attached 360 degrees.", "Inferotemporal retinal tear with shallow detachment.", "Central corneal thickness 540 microns.",
              "Open angles to the ciliary body band on gonioscopy."],
    op_details=["A retrobulbar block was administered and the eye prepped with povidone-iodine.", "A lid speculum was placed.",
                "A clear corneal incision was made temporally and the anterior chamber filled with viscoelastic.",
                "A continuous curvilinear capsulorrhexis was performed.", "Hydrodissection was performed and the nucleus removed by phacoemulsification.",
                "Cortical material was removed with irrigation and aspiration.", "A foldable acrylic posterior chamber lens was placed in the capsular bag.",
                "The wounds were hydrated and found to be watertight.", "A fornix-based conjunctival flap was created and a scleral flap dissected.",
                "A 23-gauge three-port pars plana vitrectomy was performed.", "Endolaser was applied around the break.",
                "[[moxifloxacin|Antibiotic drops]] and [[prednisolone acetate|steroid drops]] were instilled at the end of the case."],
    phrases=["{He} reports gradually worsening blurred vision in the {side} eye over {n} months, with glare at night.",
             "{He} has difficulty reading and driving at night.", "{He} noticed a curtain coming over the vision of the {side} eye.",
             "{He} has new floaters and flashes of light for {n} days.", "{He} has been using glaucoma drops for {n} years.",
             "{He} has a red, painful eye with light sensitivity.", "Last dilated eye exam was {n} years ago.",
             "{He} wears glasses for distance."],
    plan=["Schedule for cataract surgery of the {side} eye.", "Continue glaucoma drops; recheck pressure in 3 months.",
          "Retina referral.", "Warm compresses and lid hygiene.", "Anti-VEGF injection today.", "Return precautions for flashes, floaters or curtain.",
          "Annual dilated eye exam.", "Glasses prescription updated.", "Artificial tears as needed."],
    labs=["IOP {n}6 mmHg", "HbA1c {a1c}"],
    drugs=["latanoprost", "timolol", "brimonidine", "dorzolamide", "prednisolone acetate", "moxifloxacin", "ketorolac",
           "artificial tears", "atropine", "acetazolamide", "doxycycline", "valacyclovir"],
    ages=(5, 95),
)

_svc(
    "psychiatry",
    specialty=["psychiatry", "behavioral health", "psychology", "addiction medicine", "child psychiatry"],
    titles=["PSYCHIATRIC EVALUATION", "PSYCHIATRIC CONSULTATION", "PSYCHIATRY PROGRESS NOTE", "INITIAL PSYCHIATRIC ASSESSMENT"],
    conditions="""
F32.9|major depressive disorder, single episode|major depression|MDD
F33.1|major depressive disorder, recurrent, moderate|recurrent major depression
F32.A|depression
F41.1|generalized anxiety disorder|GAD
F41.0|panic disorder
F43.10|posttraumatic stress disorder|PTSD
F31.9|bipolar disorder|bipolar affective disorder
F31.2|bipolar I disorder, current episode manic with psychotic features|acute mania
F20.9|schizophrenia
F25.9|schizoaffective disorder
F23|brief psychotic disorder|acute psychosis
F42.2|obsessive-compulsive disorder|OCD
F90.2|attention-deficit hyperactivity disorder|ADHD
F84.0|autism spectrum disorder
F10.20|alcohol use disorder|alcohol dependence|alcoholism
F10.239|alcohol withdrawal
F11.20|opioid use disorder|opioid dependence
F14.20|cocaine use disorder
F12.20|cannabis use disorder
F50.00|anorexia nervosa
F50.2|bulimia nervosa
F60.3|borderline personality disorder
F43.20|adjustment disorder
F51.01|primary insomnia
F03.90|dementia with behavioral disturbance
R45.851|suicidal ideation|SI
F34.1|dysthymia|persistent depressive disorder
""",
    symptoms="""depressed mood|F32.A
anxiety|F41.9
insomnia|G47.00
suicidal thoughts|R45.851
auditory hallucinations|R44.0
paranoia|F22
anhedonia|R45.84
irritability|R45.4
racing thoughts|R45.87
poor concentration|R41.840
panic attacks|F41.0
poor appetite|R63.0""",
    procedures=["psychiatric evaluation", "mental status examination", "electroconvulsive therapy", "ECT",
                "cognitive behavioral therapy", "individual psychotherapy", "medication management", "detoxification",
                "suicide risk assessment", "family therapy", "transcranial magnetic stimulation"],
    diagnostics=["PHQ-9", "GAD-7", "Columbia Suicide Severity Rating Scale", "urine drug screen", "blood alcohol level",
                 "CIWA scale", "lithium level", "MoCA", "TSH", "Young Mania Rating Scale", "AUDIT-C"],
    exam=["Mental status exam: appearance disheveled, poor eye contact.", "Speech pressured and loud.", "Speech normal rate and volume.",
          "Mood 'depressed,' affect constricted and tearful.", "Affect blunted.", "Thought process linear and goal directed.",
          "Thought process tangential with loose associations.", "Endorses auditory hallucinations telling {him} to hurt {him}self.",
          "Denies suicidal or homicidal ideation, intent or plan.", "Insight and judgment poor.", "Insight fair, judgment fair.",
          "Oriented to person, place and time; memory grossly intact.", "Psychomotor retardation noted.", "Appears internally preoccupied."],
    findings=["PHQ-9 score {n}8.", "GAD-7 score 1{n}.", "Urine drug screen positive for cannabinoids.", "Blood alcohol level 0.18.",
              "CIWA score {n}2.", "Lithium level 0.{n} mEq/L."],
    op_details=["Informed consent for ECT was obtained.", "Brief-pulse bilateral ECT was administered with a 45-second motor seizure.",
                "The session focused on cognitive restructuring and behavioral activation.", "Safety planning was completed with the patient."],
    phrases=["{He} reports depressed mood, anhedonia, poor sleep and low energy for {n} months.",
             "{He} was brought in by police after making statements about wanting to end {his} life.",
             "{He} reports hearing voices that comment on {his} behavior.", "{He} has not slept for {n} days and has been spending excessively.",
             "{He} has a history of {n} prior psychiatric hospitalizations.", "{He} drinks a fifth of vodka daily and last drink was yesterday.",
             "{He} endorses passive death wish but no active plan.", "{He} has been nonadherent with medications.",
             "{He} has a history of childhood trauma.", "Collateral obtained from {his} sister."],
    plan=["Admit to inpatient psychiatry for safety and stabilization.", "Safety plan reviewed and crisis line provided.",
          "Continue individual psychotherapy weekly.", "CIWA protocol.", "Titrate antidepressant.", "Follow up in 4 weeks for medication management.",
          "1:1 observation.", "Refer to intensive outpatient program.", "Monitor metabolic parameters on antipsychotic."],
    labs=["TSH {tsh}", "lithium level 0.{n}", "UDS negative"],
    drugs=["sertraline", "fluoxetine", "escitalopram", "citalopram", "bupropion", "venlafaxine", "duloxetine", "mirtazapine",
           "trazodone", "quetiapine", "olanzapine", "risperidone", "aripiprazole", "haloperidol", "lithium", "lorazepam",
           "clonazepam", "alprazolam", "buspirone", "hydroxyzine", "methylphenidate", "naltrexone", "buprenorphine", "zolpidem",
           "lamotrigine", "valproate"],
    ages=(14, 85),
)

_svc(
    "dermatology",
    specialty=["dermatology", "dermatologic surgery", "Mohs surgery"],
    titles=["DERMATOLOGY CONSULTATION", "DERMATOLOGY CLINIC NOTE", "MOHS SURGERY REPORT", "SKIN BIOPSY REPORT"],
    conditions="""
C44.91|basal cell carcinoma|BCC|basal cell carcinoma of the nose
C44.92|squamous cell carcinoma of the skin|SCC|cutaneous squamous cell carcinoma
C43.9|malignant melanoma|melanoma
D03.9|melanoma in situ
D22.9|atypical nevus|dysplastic nevus|melanocytic nevus
L57.0|actinic keratosis|AK|actinic keratoses
L82.1|seborrheic keratosis|SK
L20.9|atopic dermatitis|eczema
L30.9|dermatitis
L23.9|allergic contact dermatitis|contact dermatitis
L40.0|psoriasis|plaque psoriasis|psoriasis vulgaris
L70.0|acne vulgaris|acne
L71.9|rosacea
L21.9|seborrheic dermatitis
L03.115|cellulitis of the right lower limb|cellulitis
L02.91|abscess|skin abscess
L72.3|sebaceous cyst|epidermal inclusion cyst
B07.9|verruca|warts|common wart
B35.1|onychomycosis|toenail fungus
B35.3|tinea pedis|athlete's foot
B02.9|herpes zoster|shingles
L50.9|urticaria|hives
L63.9|alopecia areata
L80|vitiligo
L73.2|hidradenitis suppurativa
L60.0|ingrown toenail
L98.9|skin lesion
L29.9|pruritus
L91.0|keloid
D18.01|hemangioma of skin
""",
    symptoms="""itchy rash|R21
rash|R21
itching|L29.9
changing mole|D48.5
bleeding skin lesion|L98.8
scaling|L98.8
hair loss|L65.9
dry skin|L85.3
skin redness|L53.9
blisters|R23.8""",
    procedures=["shave biopsy", "punch biopsy", "excision of lesion with primary closure", "wide local excision of melanoma",
                "Mohs micrographic surgery", "Mohs surgery with layered closure", "cryotherapy with liquid nitrogen", "electrodesiccation and curettage",
                "incision and drainage of abscess", "excision of epidermal inclusion cyst", "intralesional steroid injection",
                "phototherapy with narrowband UVB", "full skin examination", "patch testing", "photodynamic therapy",
                "nail avulsion", "laser treatment", "split-thickness skin graft"],
    diagnostics=["skin biopsy", "dermoscopy", "KOH prep", "Wood's lamp examination", "patch testing", "fungal culture",
                 "bacterial culture of the lesion", "total body skin examination", "histopathology"],
    exam=["A 6 mm pearly papule with telangiectasias on the left nasal ala.", "Erythematous scaly plaques on the extensor elbows and knees.",
          "Silvery scale with nail pitting.", "A 7 mm asymmetric brown-black macule with irregular borders on the upper back.",
          "Multiple rough erythematous papules on the scalp and dorsal hands.", "Stuck-on waxy brown papules on the trunk.",
          "Lichenified eczematous plaques in the antecubital fossae.", "Comedones and inflammatory papules on the face.",
          "Warm, erythematous, tender area of induration on the lower leg.", "Fluctuant 3 cm nodule with surrounding erythema.",
          "Yellow thickened dystrophic toenails.", "Grouped vesicles on an erythematous base in a dermatomal distribution."],
    findings=["Pathology: nodular basal cell carcinoma, margins involved.", "Invasive melanoma, Breslow depth 0.8 mm, no ulceration.",
              "Well-differentiated squamous cell carcinoma.", "Compound nevus with mild atypia; margins clear.",
              "KOH positive for hyphae.", "Spongiotic dermatitis.", "Clear margins were obtained after two Mohs stages."],
    op_details=["The area was prepped with alcohol and anesthetized with [[lidocaine|local anesthetic]] with epinephrine.",
                "A 4 mm punch biopsy was obtained and closed with a single 4-0 nylon suture.",
                "An elliptical excision with 2 mm margins was performed down to subcutaneous fat.",
                "The first Mohs stage was taken, mapped and processed with frozen sections.",
                "The defect was repaired with an intermediate layered closure.", "Liquid nitrogen was applied with two freeze-thaw cycles.",
                "Hemostasis was obtained with aluminum chloride.", "Petrolatum and a pressure dressing were applied."],
    phrases=["{He} noticed a bleeding lesion on the {side} cheek that has not healed for {n} months.",
             "{He} has an itchy rash on the arms and legs for {n} weeks.", "{He} has a long history of sun exposure and blistering sunburns.",
             "{He} has a personal history of basal cell carcinoma.", "A mole on the back has changed in size and color.",
             "{He} has tried over-the-counter hydrocortisone without improvement.", "{He} has had acne since adolescence.",
             "{He} presents for a full skin check."],
    plan=["Sun protection with broad-spectrum SPF 30 or higher.", "Biopsy results will be called in one week.", "Full skin exam in 6 months.",
          "Gentle skin care and emollients.", "Wound care instructions given.", "Refer for Mohs surgery.", "Avoid known irritants.",
          "Return if the lesion recurs."],
    labs=["ANA negative", "KOH positive"],
    drugs=["triamcinolone", "hydrocortisone", "clobetasol", "mupirocin", "ketoconazole", "terbinafine", "tretinoin", "isotretinoin",
           "minocycline", "doxycycline", "clindamycin", "valacyclovir", "acyclovir", "fluorouracil", "imiquimod", "dupilumab",
           "methotrexate", "cephalexin", "hydroxyzine", "cetirizine"],
    ages=(8, 92),
)

_svc(
    "endocrinology",
    specialty=["endocrinology", "diabetes clinic", "endocrine surgery", "metabolism"],
    titles=["ENDOCRINOLOGY CONSULTATION", "DIABETES FOLLOW-UP", "THYROID CLINIC NOTE", "ENDOCRINE EVALUATION"],
    conditions="""
E11.65|type 2 diabetes mellitus with hyperglycemia|uncontrolled type 2 diabetes|poorly controlled DM2
E11.9|type 2 diabetes mellitus|DM2|T2DM
E10.9|type 1 diabetes mellitus|T1DM|type 1 diabetes
E10.10|diabetic ketoacidosis|DKA
E11.649|hypoglycemia|diabetic hypoglycemia
E05.00|Graves disease|Graves' disease
E05.90|hyperthyroidism|thyrotoxicosis
E03.9|hypothyroidism
E06.3|Hashimoto thyroiditis|autoimmune thyroiditis
E04.1|thyroid nodule|solitary thyroid nodule
E04.2|multinodular goiter|goiter
C73|papillary thyroid cancer|thyroid cancer
E21.0|primary hyperparathyroidism
E27.1|adrenal insufficiency|Addison disease
E24.9|Cushing syndrome
E27.8|adrenal incidentaloma|adrenal adenoma
E26.09|primary aldosteronism|hyperaldosteronism
E22.1|prolactinoma|hyperprolactinemia
E23.0|hypopituitarism
E23.2|diabetes insipidus
E66.01|morbid obesity|severe obesity
E66.9|obesity
E28.2|polycystic ovary syndrome|PCOS
E29.1|hypogonadism|low testosterone
E55.9|vitamin D deficiency
M81.0|osteoporosis
E16.2|hypoglycemia
R73.03|prediabetes
""",
    symptoms="""polyuria|R35.89
polydipsia|R63.1
weight gain|R63.5
weight loss|R63.4
heat intolerance|R68.89
cold intolerance|R68.89
fatigue|R53.83
tremor|R25.1
palpitations|R00.2
hair thinning|L65.9
neck swelling|R22.1
numbness in the feet|R20.0""",
    procedures=["fine needle aspiration of thyroid nodule", "thyroid ultrasound", "total thyroidectomy", "parathyroidectomy",
                "radioactive iodine ablation", "insulin pump initiation", "continuous glucose monitor placement", "diabetes education",
                "insulin titration", "ACTH stimulation test", "dexamethasone suppression test", "adrenalectomy", "bariatric surgery referral",
                "transsphenoidal resection of pituitary adenoma"],
    diagnostics=["hemoglobin A1c", "HbA1c", "fasting glucose", "TSH", "free T4", "free T3", "thyroid peroxidase antibodies",
                 "thyroid ultrasound", "radioactive iodine uptake scan", "PTH", "calcium", "24-hour urine cortisol", "morning cortisol",
                 "ACTH", "aldosterone/renin ratio", "prolactin", "IGF-1", "testosterone", "DEXA scan", "urine microalbumin",
                 "lipid panel", "C-peptide", "sestamibi scan", "continuous glucose monitor download"],
    exam=["Thyroid diffusely enlarged, nontender, with a bruit.", "Thyroid without nodules.", "Palpable 2 cm nodule in the left thyroid lobe.",
          "Fine tremor of outstretched hands.", "Lid lag and proptosis.", "Acanthosis nigricans on the posterior neck.",
          "Monofilament sensation decreased at the toes bilaterally.", "Feet without ulcers, pulses intact.", "Moon facies and violaceous striae.",
          "Hyperpigmentation of the buccal mucosa.", "Central obesity, BMI {bmi}."],
    findings=["Hemoglobin A1c {a1c}%.", "TSH {tsh} with free T4 {n}.9.", "TSH suppressed at less than 0.01.", "Calcium 11.{n} with PTH {n}5.",
              "Thyroid ultrasound: 1.5 cm solid isoechoic nodule in the right lobe.", "FNA: benign follicular nodule (Bethesda II).",
              "Morning cortisol 2.{n} mcg/dL.", "Cosyntropin stimulation with inadequate response.", "Uptake scan shows diffuse increased uptake of 55%.",
              "CGM shows time in range 48% with nocturnal lows.", "Urine microalbumin to creatinine ratio 45."],
    op_details=["A transverse cervical incision was made in a skin crease.", "The strap muscles were separated in the midline.",
                "The superior pole vessels were ligated.", "Intraoperative PTH dropped by more than 50%."],
    phrases=["{He} has had diabetes for {n} years, currently on {n} injections a day.", "Fingerstick glucoses run 180s to 250s fasting.",
             "{He} reports polyuria, polydipsia and a {n}0-pound weight loss.", "{He} has had {n} hypoglycemic episodes this month.",
             "{He} was found to have a thyroid nodule incidentally on a CT of the neck.", "{He} reports heat intolerance, palpitations and weight loss.",
             "{He} reports fatigue, cold intolerance and weight gain.", "{He} was referred for an elevated calcium level.",
             "{He} follows a carbohydrate-controlled diet inconsistently.", "Last eye exam showed no retinopathy."],
    plan=["Increase basal insulin by 2 units every 3 days until fasting glucose is below 130.", "Recheck A1c in 3 months.",
          "Diabetes education and nutrition referral.", "Annual dilated eye exam and foot exam.", "Repeat TSH in 6 weeks.",
          "FNA of the nodule.", "Continue levothyroxine on an empty stomach.", "Sick-day rules for steroids reviewed.",
          "Check urine microalbumin and lipid panel.", "Referral to endocrine surgery."],
    labs=["A1c {a1c}", "TSH {tsh}", "glucose {glu}", "calcium 10.{n}", "LDL {ldl}"],
    drugs=["metformin", "glipizide", "glimepiride", "sitagliptin", "empagliflozin", "dapagliflozin", "pioglitazone", "liraglutide",
           "semaglutide", "dulaglutide", "insulin glargine", "insulin lispro", "insulin aspart", "levothyroxine", "methimazole",
           "propylthiouracil", "hydrocortisone oral", "fludrocortisone", "cabergoline", "testosterone", "vitamin D",
           "calcium carbonate", "alendronate", "atorvastatin", "lisinopril"],
    ages=(16, 88),
)

_svc(
    "pediatrics",
    specialty=["pediatrics", "pediatric clinic", "neonatology", "pediatric urgent care", "adolescent medicine"],
    titles=["WELL-CHILD CHECK", "PEDIATRIC CLINIC NOTE", "NEWBORN EXAMINATION", "PEDIATRIC ADMISSION HISTORY AND PHYSICAL",
            "PEDIATRIC SICK VISIT", "NICU ADMISSION NOTE"],
    conditions="""
Z00.129|well-child visit|routine child health examination|well child check
Z00.110|newborn exam|health check for newborn under 8 days old
Z23|immunizations|encounter for immunization
H66.90|acute otitis media|otitis media|AOM
J21.0|RSV bronchiolitis|bronchiolitis
J21.9|bronchiolitis
J05.0|croup|laryngotracheobronchitis
J06.9|upper respiratory infection|URI|viral URI
J02.9|pharyngitis
J45.20|mild intermittent asthma|asthma
B08.4|hand, foot and mouth disease
B09|viral exanthem
B01.9|varicella|chickenpox
A08.4|viral gastroenteritis|gastroenteritis
E86.0|dehydration
R50.9|fever
R56.00|febrile seizure|simple febrile seizure
P59.9|neonatal jaundice|hyperbilirubinemia of the newborn
P07.38|prematurity|preterm infant
P22.1|transient tachypnea of the newborn|TTN
R62.51|failure to thrive|FTT
P92.5|feeding difficulties in newborn|poor feeding
K21.9|gastroesophageal reflux in infants|infant reflux
L22|diaper dermatitis|diaper rash
B37.0|oral thrush
F90.2|ADHD
F80.9|speech delay|developmental speech delay
R62.50|developmental delay
K40.90|inguinal hernia
Q21.0|ventricular septal defect|VSD
Q65.89|hip dysplasia|developmental dysplasia of the hip
E66.9|childhood obesity
N39.0|urinary tract infection|UTI
L20.9|eczema|atopic dermatitis
""",
    symptoms="""fever|R50.9
cough|R05.9
runny nose|J34.89
fussiness|R68.12
pulling at ears|H92.09
decreased oral intake|R63.8
vomiting|R11.10
diarrhea|R19.7
rash|R21
wheezing|R06.2
barky cough|R05.9
poor feeding|P92.9
lethargy|R53.83""",
    procedures=["well-child examination", "immunizations", "newborn examination", "hearing screen", "circumcision",
                "lumbar puncture", "developmental screening", "vision screening", "growth chart review", "nebulizer treatment",
                "frenotomy", "incision and drainage", "phototherapy", "strep test", "umbilical hernia repair", "circumcision with Gomco clamp"],
    diagnostics=["growth chart", "newborn screen", "bilirubin level", "rapid strep", "RSV swab", "influenza swab", "CBC", "blood culture",
                 "urinalysis and urine culture", "chest x-ray", "Denver developmental screening", "ASQ", "M-CHAT", "lead level",
                 "hemoglobin screen", "hearing screen", "Snellen vision screen"],
    exam=["Anterior fontanelle open, soft and flat.", "Red reflex present bilaterally.", "Right TM bulging and erythematous.",
          "Nasal flaring and subcostal retractions.", "Diffuse wheezes and crackles bilaterally.", "Inspiratory stridor at rest.",
          "Moist mucous membranes, capillary refill less than 2 seconds.", "Sunken eyes and dry mucous membranes.",
          "Vesicles on the palms, soles and oral mucosa.", "Jaundice to the level of the chest.", "Hips: Ortolani and Barlow negative.",
          "Testes descended bilaterally.", "Tanner stage 2.", "Grade 2/6 vibratory murmur at the left lower sternal border.",
          "Erythematous papules in the diaper area sparing skin folds."],
    findings=["Weight at the {pct}th percentile, length at the {pct}th percentile, head circumference at the {pct}th percentile.",
              "Total bilirubin 14.{n} at {n}6 hours of life.", "RSV positive.", "Rapid strep positive.", "Chest x-ray with peribronchial cuffing.",
              "Passed newborn hearing screen bilaterally.", "Urinalysis positive for leukocyte esterase and nitrites.",
              "Developmental milestones appropriate for age."],
    op_details=["The infant was restrained and a dorsal penile nerve block was placed.", "A Gomco clamp was applied and the foreskin excised.",
                "Vaccines were administered in the anterolateral thighs.", "[[sucrose|Oral sucrose]] was given for comfort."],
    phrases=["Mother reports {n} days of fever up to 102.{n} and pulling at the right ear.", "Mom states the baby has been feeding well, taking {n} ounces every 3 hours.",
             "Mother reports barky cough and noisy breathing at night.", "{He} has had decreased wet diapers, {n} in the last 24 hours.",
             "{He} is here for {his} {visit} well-child check.", "Born at {ga} weeks by spontaneous vaginal delivery without complications.",
             "Immunizations are up to date.", "{He} is meeting developmental milestones.", "Sick contacts at daycare.",
             "Parents are concerned about {his} speech.", "Father reports {he} has been more tired than usual."],
    plan=["Supportive care with fluids and antipyretics.", "Return precautions reviewed with mother.", "Vaccines given today per schedule.",
          "Next well-child visit at {nextvisit}.", "Anticipatory guidance: car seat, safe sleep, water safety.", "Nasal suctioning and humidifier.",
          "Oral rehydration.", "Follow up in 2 days for ear recheck.", "Refer to early intervention for speech evaluation.",
          "Continue breastfeeding on demand."],
    labs=["bilirubin 1{n}.2", "WBC {wbc}", "hemoglobin 11.{n}", "lead level less than 3"],
    drugs=["amoxicillin pediatric", "ibuprofen pediatric", "acetaminophen pediatric", "azithromycin pediatric", "cefdinir pediatric",
           "prednisolone", "albuterol", "dexamethasone", "cholecalciferol", "amoxicillin clavulanate pediatric", "ondansetron",
           "fluticasone", "cetirizine", "methylphenidate", "mupirocin", "nystatin", "hydrocortisone"],
    ages=(0, 17),
)

_svc(
    "general_medicine",
    specialty=["internal medicine", "family medicine", "primary care", "general medicine", "hospital medicine"],
    titles=["ANNUAL PHYSICAL EXAMINATION", "PRIMARY CARE VISIT", "GENERAL MEDICINE CLINIC NOTE", "HISTORY AND PHYSICAL",
            "OFFICE VISIT", "DISCHARGE SUMMARY"],
    conditions="""
Z00.00|annual physical|routine health maintenance|general adult medical examination
Z00.01|annual exam with abnormal findings
I10|hypertension|essential hypertension|HTN
E11.9|type 2 diabetes|DM2|diabetes mellitus
E78.5|hyperlipidemia|HLD
E66.9|obesity
J06.9|upper respiratory infection|URI|common cold
J20.9|acute bronchitis
J11.1|influenza|flu
U07.1|COVID-19
N39.0|urinary tract infection|UTI
R53.83|fatigue|generalized fatigue
R51.9|headache
M54.50|low back pain
R05.9|cough
R42|dizziness
R10.9|abdominal pain
R63.4|abnormal weight loss
E55.9|vitamin D deficiency
D64.9|anemia
Z71.3|dietary counseling
Z72.0|tobacco use
F17.210|nicotine dependence|smoking
Z79.899|long-term medication use|polypharmacy
A41.9|sepsis
A09|infectious diarrhea
R09.81|nasal congestion
B34.9|viral syndrome|viral illness
L03.90|cellulitis
R50.9|fever
Z13.220|lipid screening
R73.03|prediabetes
G47.00|insomnia
""",
    symptoms="""fatigue|R53.83
cough|R05.9
fever|R50.9
headache|R51.9
dizziness|R42
body aches|M79.10
sore throat|J02.9
nasal congestion|R09.81
back pain|M54.9
joint pain|M25.50
weight gain|R63.5
abdominal discomfort|R10.9
shortness of breath|R06.02
chest pain|R07.9""",
    procedures=["annual physical examination", "health maintenance visit", "Pap smear", "influenza vaccination", "pneumococcal vaccine",
                "tetanus booster", "shingles vaccine", "medication reconciliation", "preventive counseling", "ear irrigation",
                "joint injection", "skin tag removal", "EKG", "spirometry", "depression screening", "fall risk assessment"],
    diagnostics=["CBC", "CMP", "comprehensive metabolic panel", "lipid panel", "hemoglobin A1c", "TSH", "urinalysis", "vitamin D level",
                 "chest x-ray", "EKG", "screening colonoscopy", "mammogram", "PSA", "DEXA", "hepatitis C screening", "HIV screening",
                 "COVID test", "rapid flu test"],
    exam=["Vitals: BP {sbp}/{dbp}, HR {hr}, T 98.{n}, RR 16, SpO2 98% on RA.", "BMI {bmi}.", "Pharynx mildly erythematous without exudate.",
          "Mild tenderness of the lumbar paraspinal muscles.", "Lungs with scattered rhonchi that clear with cough.",
          "Well appearing, no acute distress.", "Normal exam except as noted."],
    findings=["CBC, CMP and lipid panel within normal limits except LDL {ldl}.", "A1c {a1c}.", "Chest x-ray without infiltrate.",
              "Urinalysis negative.", "EKG normal sinus rhythm.", "TSH normal."],
    op_details=["The ear canal was irrigated with warm water until clear.", "The joint was injected using sterile technique."],
    phrases=["{He} presents for {his} annual physical and has no acute complaints.", "{He} is here for follow-up of {his} chronic medical problems.",
             "{He} has had {n} days of nasal congestion, sore throat and cough.", "{He} reports {his} blood pressure has been running 140s at home.",
             "{He} has been trying to lose weight with diet and exercise.", "{He} is due for colon cancer screening.",
             "{He} requests refills of {his} medications.", "Multiple chronic problems were reviewed today.",
             "{He} was admitted with {cond} and treated with IV antibiotics and fluids."],
    plan=["Continue current medications.", "Lifestyle modifications including diet and exercise.", "Fasting labs before next visit.",
          "Return in 3 months for follow-up.", "Influenza vaccine given today.", "Mammogram and colonoscopy ordered.",
          "Rest, fluids and symptomatic care.", "Home blood pressure log.", "Smoking cessation counseling provided.",
          "Advance directive discussed."],
    labs=["LDL {ldl}", "A1c {a1c}", "TSH {tsh}", "creatinine 0.{n}", "hemoglobin {hgb}"],
    drugs=["lisinopril", "amlodipine", "hydrochlorothiazide", "losartan", "metformin", "atorvastatin", "simvastatin", "aspirin",
           "omeprazole", "levothyroxine", "sertraline", "acetaminophen", "ibuprofen", "amoxicillin", "azithromycin", "benzonatate",
           "cetirizine", "vitamin D", "metoprolol tartrate", "gabapentin", "trazodone", "fluticasone nasal", "cyclobenzaprine",
           "nitrofurantoin", "doxycycline", "prednisone", "chlorthalidone", "pravastatin", "glipizide", "tamsulosin"],
    ages=(18, 95),
)

PEDS_COMORBIDITIES = """
J45.20|mild intermittent asthma|asthma|reactive airway disease
L20.9|eczema|atopic dermatitis
J30.9|allergic rhinitis|seasonal allergies
F90.2|ADHD
H66.90|recurrent otitis media
K59.00|constipation
E66.9|obesity
F80.9|speech delay
"""

# Comorbidity ICD code -> drugs patients with it typically take (names of DRUG_PROFILES entries).
COMORBIDITY_DRUGS: dict[str, list[str]] = {
    "I10": ["lisinopril", "amlodipine", "hydrochlorothiazide", "losartan", "chlorthalidone", "valsartan"],
    "E11.9": ["metformin", "glipizide", "sitagliptin", "insulin glargine", "empagliflozin"],
    "E78.5": ["atorvastatin", "simvastatin", "rosuvastatin", "pravastatin"],
    "E78.00": ["atorvastatin", "rosuvastatin"],
    "I25.10": ["aspirin", "clopidogrel", "metoprolol tartrate", "atorvastatin", "nitroglycerin"],
    "K21.9": ["omeprazole", "pantoprazole", "famotidine", "esomeprazole"],
    "E03.9": ["levothyroxine"],
    "E03.8": ["levothyroxine"],
    "M19.90": ["acetaminophen", "meloxicam", "naproxen", "ibuprofen"],
    "F32.A": ["sertraline", "escitalopram", "fluoxetine", "bupropion"],
    "F41.9": ["buspirone", "sertraline", "hydroxyzine"],
    "J45.909": ["albuterol", "fluticasone", "montelukast"],
    "J44.9": ["tiotropium", "albuterol", "budesonide"],
    "N18.30": ["calcitriol", "sodium bicarbonate"],
    "N40.0": ["tamsulosin", "finasteride"],
    "I48.91": ["apixaban", "warfarin", "diltiazem", "metoprolol succinate", "rivaroxaban"],
    "M81.0": ["alendronate", "calcium carbonate", "vitamin D"],
    "E55.9": ["vitamin D"],
    "G43.909": ["sumatriptan", "topiramate"],
    "I50.9": ["furosemide", "carvedilol", "spironolactone", "lisinopril"],
    "M10.9": ["allopurinol"],
    "G47.33": [],
    "M54.50": ["cyclobenzaprine", "ibuprofen", "gabapentin"],
    "J45.20": ["albuterol", "fluticasone", "montelukast"],
    "L20.9": ["hydrocortisone", "triamcinolone"],
    "J30.9": ["cetirizine", "loratadine", "fluticasone nasal"],
    "F90.2": ["methylphenidate"],
}

# Service-neutral HPI sentences (used to lengthen notes; never the only content).
GENERIC_HPI = [
    "The symptoms have been gradually worsening over the past {n} weeks.",
    "{He} has not tried anything for relief.", "{He} rates the discomfort {n}/10 at its worst.",
    "{He} was seen in the emergency department {n} days ago and discharged with instructions to follow up.",
    "{He} reports that the symptoms interfere with {his} sleep and daily activities.",
    "There are no aggravating or alleviating factors that {he} can identify.",
    "{He} is accompanied today by {his} spouse, who helps provide the history.",
    "{He} states that {he} has otherwise been in {his} usual state of health.",
    "The onset was sudden while {he} was at work.", "{He} has had similar episodes in the past that resolved on their own.",
    "{He} has been compliant with {his} medications.", "{He} has had no recent travel or sick contacts.",
    "{He} has lost about {n} pounds unintentionally over the last several months.",
    "Records from {his} primary care physician were reviewed.", "{He} is otherwise feeling well.",
    "{He} denies any recent trauma or injury.", "{He} had labs drawn last week, which are reviewed below.",
    "{He} is here today to discuss results and further management.",
    "The history was obtained from the patient and the chart.", "{He} has an appointment with {his} PCP next month.",
]
