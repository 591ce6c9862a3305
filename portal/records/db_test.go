package records_test

import "testing"

// TestDatabase runs every test that needs PostgreSQL as a parallel subtest
// on one shared database (creating a database per test costs more than
// the tests themselves). Each subtest works on its own fresh users.
func TestDatabase(t *testing.T) {
	d := newDB(t)
	tests := []struct {
		name string
		run  func(*testing.T, *env)
	}{
		{"WithheldNoteIsInvisibleToThePatient", testWithheldNoteIsInvisibleToThePatient},
		{"PsychotherapyNotesNeverReachThePatient", testPsychotherapyNotesNeverReachThePatient},
		{"NotesAreSealedAtRest", testNotesAreSealedAtRest},
		{"BadNotesStoreNothing", testBadNotesStoreNothing},
		{"TreatmentPlanGoalsAndProgress", testTreatmentPlanGoalsAndProgress},
		{"TreatmentPlanRefusesBadInput", testTreatmentPlanRefusesBadInput},
		{"SafetyPlanVersionsAndHistory", testSafetyPlanVersionsAndHistory},
		{"CounselorHoldingTheEscalationReadsTheSafetyPlan", testCounselorHoldingTheEscalationReadsTheSafetyPlan},
		{"ConcurrentSafetyPlanSavesKeepBoth", testConcurrentSafetyPlanSavesKeepBoth},
		{"SafetyPlanRefusesBadInput", testSafetyPlanRefusesBadInput},
		{"EmergencyContacts", testEmergencyContacts},
		{"EmergencyContactsRefuseBadInput", testEmergencyContactsRefuseBadInput},
		{"ResourceLibrary", testResourceLibrary},
		{"ResourceLinksMustBeHTTPS", testResourceLinksMustBeHTTPS},
		{"EveryPatientFunctionRefusesOutsiders", testEveryPatientFunctionRefusesOutsiders},
		{"EveryReadIsAuditedOnce", testEveryReadIsAuditedOnce},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, d.env(t))
		})
	}
}
