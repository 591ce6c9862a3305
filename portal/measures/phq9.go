package measures

// phq9 is the Patient Health Questionnaire-9 in the wording of the form
// published by Pfizer (phqscreeners.com), which is in the public domain.
func phq9() Instrument {
	item := func(k, text string) Item { return Item{Key: k, Text: text, Options: frequency(), Scored: true} }
	return Instrument{
		ID:      PHQ9,
		Name:    "Patient Health Questionnaire (PHQ-9)",
		Version: "1",
		Stem:    "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
		Source: "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, " +
			"with an educational grant from Pfizer Inc. No permission required to reproduce, translate, " +
			"display or distribute. Scoring: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a " +
			"brief depression severity measure. J Gen Intern Med 2001;16(9):606-613.",
		Items: []Item{
			item("q1", "Little interest or pleasure in doing things"),
			item("q2", "Feeling down, depressed, or hopeless"),
			item("q3", "Trouble falling or staying asleep, or sleeping too much"),
			item("q4", "Feeling tired or having little energy"),
			item("q5", "Poor appetite or overeating"),
			item("q6", "Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
			item("q7", "Trouble concentrating on things, such as reading the newspaper or watching television"),
			item("q8", "Moving or speaking so slowly that other people could have noticed? Or the opposite — "+
				"being so fidgety or restless that you have been moving around a lot more than usual"),
			item(phq9SelfHarm, "Thoughts that you would be better off dead or of hurting yourself in some way"),
			{Key: "difficulty", Text: "If you checked off any problems, how difficult have these problems made it for you " +
				"to do your work, take care of things at home, or get along with other people?",
				Options: difficulty(), AskedIf: Condition{AnyProblem: true}},
		},
	}
}

// phq9SelfHarm is the key of PHQ-9 item 9, the safety item.
const phq9SelfHarm = "q9"

// phq9Band is the severity band of a PHQ-9 total (Kroenke et al. 2001):
// 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe.
func phq9Band(total int) Band {
	switch {
	case total >= 20:
		return BandSevere
	case total >= 15:
		return BandModeratelySevere
	case total >= 10:
		return BandModerate
	case total >= 5:
		return BandMild
	}
	return BandMinimal
}

// phq9Escalation maps item 9 to a crisis severity: any answer above "Not at
// all" escalates, as the item screens for thoughts of death or self-harm;
// "More than half the days" or more is high, since risk of a suicide attempt
// rises with the frequency endorsed (Simon GE et al., Psychiatr Serv
// 2013;64(12):1195-1202).
func phq9Escalation(item9 int) string {
	switch {
	case item9 >= 2:
		return SeverityHigh
	case item9 == 1:
		return SeverityMedium
	}
	return ""
}
