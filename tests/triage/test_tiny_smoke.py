def test_tiny_model_learns_two_services(tiny_triage):
    from tests.conftest import CARDIO, ORTHO

    tiny_triage.detect_flags = False
    assert tiny_triage(CARDIO).service == "cardiology_pulmonology"
    assert tiny_triage(ORTHO).service == "orthopedics"
