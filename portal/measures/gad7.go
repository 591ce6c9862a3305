package measures

// gad7 is the Generalized Anxiety Disorder 7-item scale in the wording of the
// form published by Pfizer (phqscreeners.com), which is in the public domain.
func gad7() Instrument {
	item := func(k, text string) Item { return Item{Key: k, Text: text, Options: frequency(), Scored: true} }
	return Instrument{
		ID:      GAD7,
		Name:    "Generalized Anxiety Disorder 7-item (GAD-7)",
		Version: "1",
		Stem:    "Over the last 2 weeks, how often have you been bothered by the following problems?",
		Source: "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, " +
			"with an educational grant from Pfizer Inc. No permission required to reproduce, translate, " +
			"display or distribute. Scoring: Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for " +
			"assessing generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097.",
		Items: []Item{
			item("q1", "Feeling nervous, anxious or on edge"),
			item("q2", "Not being able to stop or control worrying"),
			item("q3", "Worrying too much about different things"),
			item("q4", "Trouble relaxing"),
			item("q5", "Being so restless that it is hard to sit still"),
			item("q6", "Becoming easily annoyed or irritable"),
			item("q7", "Feeling afraid as if something awful might happen"),
			{Key: "difficulty", Text: "If you checked off any problems, how difficult have these made it for you " +
				"to do your work, take care of things at home, or get along with other people?",
				Options: difficulty(), AskedIf: Condition{AnyProblem: true}},
		},
	}
}

// gad7Band is the severity band of a GAD-7 total (Spitzer et al. 2006, cut
// points 5, 10 and 15): 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe.
func gad7Band(total int) Band {
	switch {
	case total >= 15:
		return BandSevere
	case total >= 10:
		return BandModerate
	case total >= 5:
		return BandMild
	}
	return BandMinimal
}
