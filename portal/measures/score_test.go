package measures_test

import (
	"testing"

	"haven/portal/fault"
	"haven/portal/measures"
)

func TestPHQ9BandsAtEveryBoundary(t *testing.T) {
	cases := []struct {
		total int
		want  measures.Band
	}{
		{0, measures.BandMinimal}, {4, measures.BandMinimal},
		{5, measures.BandMild}, {9, measures.BandMild},
		{10, measures.BandModerate}, {14, measures.BandModerate},
		{15, measures.BandModeratelySevere}, {19, measures.BandModeratelySevere},
		{20, measures.BandSevere}, {24, measures.BandSevere},
	}
	for _, c := range cases {
		s, err := measures.Evaluate(measures.PHQ9, phq9(c.total, 0))
		if err != nil {
			t.Fatalf("total %d: %v", c.total, err)
		}
		if s.Total != c.total || s.Band != c.want || s.Max != 27 || s.Escalation != "" || s.CrisisResources {
			t.Errorf("total %d: got %+v, want band %s and no escalation", c.total, s, c.want)
		}
	}
	// 27 needs item 9 = 3, which also escalates.
	s, err := measures.Evaluate(measures.PHQ9, phq9(27, 3))
	if err != nil || s.Total != 27 || s.Band != measures.BandSevere {
		t.Fatalf("total 27: %+v, %v", s, err)
	}
}

func TestPHQ9PublishedExample(t *testing.T) {
	// Several days on five items, more than half the days on one: 7, mild.
	a := measures.Answers{"q1": 1, "q2": 1, "q3": 2, "q4": 1, "q5": 0, "q6": 1, "q7": 1, "q8": 0, "q9": 0, "difficulty": 1}
	s, err := measures.Evaluate(measures.PHQ9, a)
	if err != nil || s.Total != 7 || s.Band != measures.BandMild {
		t.Fatalf("got %+v, %v; want 7 mild", s, err)
	}
}

func TestGAD7BandsAtEveryBoundary(t *testing.T) {
	cases := []struct {
		total int
		want  measures.Band
	}{
		{0, measures.BandMinimal}, {4, measures.BandMinimal},
		{5, measures.BandMild}, {9, measures.BandMild},
		{10, measures.BandModerate}, {14, measures.BandModerate},
		{15, measures.BandSevere}, {21, measures.BandSevere},
	}
	for _, c := range cases {
		s, err := measures.Evaluate(measures.GAD7, gad7(c.total))
		if err != nil {
			t.Fatalf("total %d: %v", c.total, err)
		}
		if s.Total != c.total || s.Band != c.want || s.Max != 21 || s.Escalation != "" || s.CrisisResources {
			t.Errorf("total %d: got %+v, want band %s", c.total, s, c.want)
		}
	}
}

func TestPHQ9Item9Escalates(t *testing.T) {
	cases := []struct {
		item9 int
		want  string
	}{{0, ""}, {1, measures.SeverityMedium}, {2, measures.SeverityHigh}, {3, measures.SeverityHigh}}
	for _, c := range cases {
		s, err := measures.Evaluate(measures.PHQ9, phq9(6, c.item9))
		if err != nil {
			t.Fatal(err)
		}
		if s.Escalation != c.want || s.CrisisResources != (c.want != "") {
			t.Errorf("item 9 = %d: got %+v, want escalation %q", c.item9, s, c.want)
		}
	}
}

func TestCSSRSRiskPaths(t *testing.T) {
	type A = measures.Answers
	cases := []struct {
		name    string
		answers A
		risk    measures.Band
		escal   string
		showRes bool
	}{
		{"all no", A{"q1": 0, "q2": 0, "q6": 0}, measures.RiskNone, "", false},
		{"wish to be dead only", A{"q1": 1, "q2": 0, "q6": 0}, measures.RiskLow, "", true},
		{"thoughts, no method", A{"q1": 1, "q2": 1, "q3": 0, "q4": 0, "q5": 0, "q6": 0}, measures.RiskLow, "", true},
		{"method", A{"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 0}, measures.RiskModerate, measures.SeverityMedium, true},
		{"intent", A{"q1": 1, "q2": 1, "q3": 0, "q4": 1, "q5": 0, "q6": 0}, measures.RiskHigh, measures.SeverityHigh, true},
		{"plan", A{"q1": 0, "q2": 1, "q3": 1, "q4": 0, "q5": 1, "q6": 0}, measures.RiskHigh, measures.SeverityHigh, true},
		{"behaviour in past 3 months", A{"q1": 0, "q2": 0, "q6": 1, "q6_recent": 1}, measures.RiskHigh, measures.SeverityHigh, true},
		{"behaviour long ago", A{"q1": 0, "q2": 0, "q6": 1, "q6_recent": 0}, measures.RiskModerate, measures.SeverityMedium, true},
		{"thoughts and old behaviour", A{"q1": 1, "q2": 1, "q3": 0, "q4": 0, "q5": 0, "q6": 1, "q6_recent": 0}, measures.RiskModerate, measures.SeverityMedium, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := measures.Evaluate(measures.CSSRS, c.answers)
			if err != nil {
				t.Fatal(err)
			}
			if s.Band != c.risk || s.Escalation != c.escal || s.CrisisResources != c.showRes {
				t.Fatalf("got %+v, want risk %s escalation %q resources %v", s, c.risk, c.escal, c.showRes)
			}
		})
	}
}

func TestEvaluateRefusesBlankPartialAndInvalid(t *testing.T) {
	type A = measures.Answers
	full := phq9(6, 0)
	without := func(a A, k string) A {
		b := A{}
		for kk, v := range a {
			if kk != k {
				b[kk] = v
			}
		}
		return b
	}
	with := func(a A, k string, v int) A {
		b := without(a, k)
		b[k] = v
		return b
	}
	cases := []struct {
		name  string
		instr string
		a     A
		want  error
	}{
		{"blank", measures.PHQ9, A{}, measures.ErrIncomplete},
		{"nil", measures.GAD7, nil, measures.ErrIncomplete},
		{"item 9 missing", measures.PHQ9, without(full, "q9"), measures.ErrIncomplete},
		{"difficulty missing after a problem", measures.PHQ9, without(full, "difficulty"), measures.ErrIncomplete},
		{"difficulty with no problem", measures.PHQ9, with(phq9(0, 0), "difficulty", 0), measures.ErrUnaskedAnswer},
		{"above the options", measures.PHQ9, with(full, "q1", 4), measures.ErrBadAnswer},
		{"below the options", measures.GAD7, with(gad7(3), "q7", -1), measures.ErrBadAnswer},
		{"unknown item", measures.GAD7, with(gad7(3), "q8", 0), measures.ErrUnaskedAnswer},
		{"C-SSRS yes is 1", measures.CSSRS, A{"q1": 2, "q2": 0, "q6": 0}, measures.ErrBadAnswer},
		{"C-SSRS q3 without q2 yes", measures.CSSRS, A{"q1": 1, "q2": 0, "q3": 0, "q6": 0}, measures.ErrUnaskedAnswer},
		{"C-SSRS q3-5 missing after q2 yes", measures.CSSRS, A{"q1": 1, "q2": 1, "q6": 0}, measures.ErrIncomplete},
		{"C-SSRS recency missing", measures.CSSRS, A{"q1": 0, "q2": 0, "q6": 1}, measures.ErrIncomplete},
		{"C-SSRS recency without behaviour", measures.CSSRS, A{"q1": 0, "q2": 0, "q6": 0, "q6_recent": 0}, measures.ErrUnaskedAnswer},
		{"unknown instrument", "bdi", full, measures.ErrUnknownInstrument},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := measures.Evaluate(c.instr, c.a)
			wantErr(t, err, c.want)
			wantCode(t, err, fault.Invalid)
		})
	}
}

func TestInstrumentsCarryThePublishedText(t *testing.T) {
	all := measures.Instruments()
	if len(all) != 3 || all[0].ID != measures.PHQ9 || all[1].ID != measures.GAD7 || all[2].ID != measures.CSSRS {
		t.Fatalf("instruments: %+v", all)
	}
	phq, gad, cs := all[0], all[1], all[2]
	if phq.Stem != "Over the last 2 weeks, how often have you been bothered by any of the following problems?" {
		t.Errorf("PHQ-9 stem: %q", phq.Stem)
	}
	if len(phq.Items) != 10 || len(gad.Items) != 8 || len(cs.Items) != 7 {
		t.Errorf("item counts: %d %d %d", len(phq.Items), len(gad.Items), len(cs.Items))
	}
	if got := phq.Items[8].Text; got != "Thoughts that you would be better off dead or of hurting yourself in some way" {
		t.Errorf("PHQ-9 item 9: %q", got)
	}
	labels := []string{"Not at all", "Several days", "More than half the days", "Nearly every day"}
	for i, o := range gad.Items[0].Options {
		if o.Value != i || o.Label != labels[i] {
			t.Errorf("GAD-7 option %d: %+v", i, o)
		}
	}
	if cs.Items[1].Text != "Have you actually had any thoughts of killing yourself?" || cs.Items[6].Text != "Was this within the past 3 months?" {
		t.Errorf("C-SSRS text: %q / %q", cs.Items[1].Text, cs.Items[6].Text)
	}
	for _, in := range all {
		if in.Version == "" || in.Source == "" {
			t.Errorf("%s: missing version or source", in.ID)
		}
	}
}
