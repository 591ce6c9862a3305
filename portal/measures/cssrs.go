package measures

// cssrs is the Columbia-Suicide Severity Rating Scale screener in the
// wording of the Screen Version (Lifetime/Recent) published by the Columbia
// Lighthouse Project (cssrs.columbia.edu): six yes/no questions, with
// questions 3 to 5 asked only after a "Yes" to question 2, and the recency
// follow-up asked only after a "Yes" to question 6.
func cssrs() Instrument {
	item := func(k, text, period string, when Condition) Item {
		return Item{Key: k, Text: text, Period: period, Options: yesNo(), AskedIf: when}
	}
	afterQ2 := Condition{Yes: "q2"}
	return Instrument{
		ID:      CSSRS,
		Name:    "Columbia-Suicide Severity Rating Scale (C-SSRS) Screener",
		Version: "1",
		Stem:    "Answer each question yes or no.",
		Source: "Columbia-Suicide Severity Rating Scale, Screen Version - Lifetime/Recent. © 2008 The Research " +
			"Foundation for Mental Hygiene, Inc. Posner K, Brent D, Lucas C, et al. Free to use in clinical " +
			"settings; see cssrs.columbia.edu. Risk levels follow the C-SSRS screener's triage points.",
		Items: []Item{
			item("q1", "Have you wished you were dead or wished you could go to sleep and not wake up?", "Past month", Condition{}),
			item("q2", "Have you actually had any thoughts of killing yourself?", "Past month", Condition{}),
			item("q3", "Have you been thinking about how you might do this?", "Past month", afterQ2),
			item("q4", "Have you had these thoughts and had some intention of acting on them?", "Past month", afterQ2),
			item("q5", "Have you started to work out or worked out the details of how to kill yourself? "+
				"Do you intend to carry out this plan?", "Past month", afterQ2),
			{Key: "q6", Text: "Have you ever done anything, started to do anything, or prepared to do anything to end your life?",
				Help: "Examples: Collected pills, obtained a gun, gave away valuables, wrote a will or suicide note, " +
					"took out pills but didn't swallow any, held a gun but changed your mind or it was grabbed from " +
					"your hand, went to the roof but didn't jump; or actually took pills, tried to shoot yourself, " +
					"cut yourself, tried to hang yourself, etc.",
				Period: "Lifetime", Options: yesNo()},
			item(cssrsRecent, "Was this within the past 3 months?", "Past 3 months", Condition{Yes: "q6"}),
		},
	}
}

// cssrsRecent is the key of question 6's recency follow-up.
const cssrsRecent = "q6_recent"

// cssrsRisk maps complete screener answers to a risk level. The mapping is
// the C-SSRS screener's triage (Columbia Lighthouse Project, "C-SSRS
// Screener with Triage Points"; Posner K et al., Am J Psychiatry
// 2011;168(12):1266-1277): the highest-rated "Yes" decides.
//
//	high:     Q4 (intent) or Q5 (plan with intent) Yes, or Q6 (behaviour) Yes
//	          within the past 3 months
//	moderate: Q3 (thoughts of a method) Yes, or Q6 Yes more than 3 months ago
//	low:      only Q1 (wish to be dead) or Q2 (thoughts of suicide) Yes
//	none:     every answer No
func cssrsRisk(a Answers) Band {
	behaviour := a["q6"] == yes
	switch {
	case a["q4"] == yes || a["q5"] == yes || (behaviour && a[cssrsRecent] == yes):
		return RiskHigh
	case a["q3"] == yes || behaviour:
		return RiskModerate
	case a["q1"] == yes || a["q2"] == yes:
		return RiskLow
	}
	return RiskNone
}
