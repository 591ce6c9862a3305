package measures_test

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
		{"SubmitStoresSealedResponse", testSubmitStoresSealedResponse},
		{"Item9EscalatesInsideTheTransaction", testItem9EscalatesInsideTheTransaction},
		{"CSSRSHighRiskEscalatesHigh", testCSSRSHighRiskEscalatesHigh},
		{"RolledBackSubmissionLeavesNoEscalation", testRolledBackSubmissionLeavesNoEscalation},
		{"BadSubmissionsStoreNothing", testBadSubmissionsStoreNothing},
		{"SeriesForPatientAndClinician", testSeriesForPatientAndClinician},
		{"RepeatingAssignmentKeepsLocalTimeAcrossDST", testRepeatingAssignmentKeepsLocalTimeAcrossDST},
		{"OneOffAssignmentClosesOnCompletion", testOneOffAssignmentClosesOnCompletion},
		{"PreVisitQuestionnaireFollowsTheAppointment", testPreVisitQuestionnaireFollowsTheAppointment},
		{"AppointmentOfAnotherPatientIsRefused", testAppointmentOfAnotherPatientIsRefused},
		{"AssignRefusesBadInputAndNonClinicians", testAssignRefusesBadInputAndNonClinicians},
		{"EndAssignmentCancelsItsReminder", testEndAssignmentCancelsItsReminder},
		{"MoodCheckInOnePerLocalDay", testMoodCheckInOnePerLocalDay},
		{"MoodCheckInRefusesBadInput", testMoodCheckInRefusesBadInput},
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
