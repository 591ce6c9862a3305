package fhir

import (
	"strings"

	"haven/portal/measures"
)

// Code systems. Haven's own (for what no standard system codes) live under
// the "urn:haven:fhir:" prefix.
const (
	systemLOINC       = "http://loinc.org"
	systemObsCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
	systemV3ObsValue  = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"

	localPrefix          = "urn:haven:fhir:"
	systemLocalCode      = localPrefix + "code"              // mood, C-SSRS risk
	systemSeverity       = localPrefix + "severity"          // PHQ-9 and GAD-7 bands
	systemCSSRSRisk      = localPrefix + "cssrs-risk"        // C-SSRS risk levels
	systemConvKind       = localPrefix + "conversation-kind" // direct, team, crisis
	systemModality       = localPrefix + "visit-modality"    // video, in_person
	systemAnswerPrefix   = localPrefix + "answer:"           // + instrument id
	questionnairePrefix  = localPrefix + "questionnaire:"    // + instrument id
	extMessageCount      = localPrefix + "message-count"
	extMessageSender     = localPrefix + "message-sender"
	extMessageSent       = localPrefix + "message-sent"
	codeMood             = "mood"
	codeCSSRSRisk        = "cssrs-risk"
	codeCSSRSScreener    = "cssrs-screener"
	displayMood          = "Daily mood check-in, 1 (worst) to 10 (best)"
	displayCSSRSRisk     = "Columbia Suicide Severity Rating Scale screener risk level (0 none, 1 low, 2 moderate, 3 high)"
	displayCSSRSScreener = "Columbia Suicide Severity Rating Scale (C-SSRS) screener"
)

// instrumentCodes is how an instrument's panel and total score are coded.
type instrumentCodes struct {
	panel, total coding
}

// codesOf returns the codes of a measures instrument id.
func codesOf(instrument string) instrumentCodes {
	switch instrument {
	case measures.PHQ9:
		return instrumentCodes{
			panel: coding{System: systemLOINC, Code: "44249-1", Display: "PHQ-9 quick depression assessment panel [Reported.PHQ]"},
			total: coding{System: systemLOINC, Code: "44261-6", Display: "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"},
		}
	case measures.GAD7:
		return instrumentCodes{
			panel: coding{System: systemLOINC, Code: "69737-5", Display: "Generalized anxiety disorder 7 item (GAD-7)"},
			total: coding{System: systemLOINC, Code: "70274-6", Display: "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"},
		}
	}
	return instrumentCodes{
		panel: coding{System: systemLocalCode, Code: codeCSSRSScreener, Display: displayCSSRSScreener},
		total: coding{System: systemLocalCode, Code: codeCSSRSRisk, Display: displayCSSRSRisk},
	}
}

// bandCoding codes a severity band (PHQ-9, GAD-7) or C-SSRS risk level.
func bandCoding(instrument string, b measures.Band) coding {
	if instrument == measures.CSSRS {
		return coding{System: systemCSSRSRisk, Code: string(b), Display: riskDisplay(b)}
	}
	return coding{System: systemSeverity, Code: string(b), Display: bandDisplay(b)}
}

// bandDisplay is "Moderately severe" for "moderately_severe".
func bandDisplay(b measures.Band) string {
	s := strings.ReplaceAll(string(b), "_", " ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func riskDisplay(b measures.Band) string {
	if b == measures.RiskNone {
		return "No risk identified"
	}
	return bandDisplay(b) + " risk"
}

// surveyCategory is the observation category of questionnaire scores and
// check-ins.
func surveyCategory() []concept {
	return []concept{{Coding: []coding{{System: systemObsCategory, Code: "survey", Display: "Survey"}}}}
}

// subsettedTag marks a resource trimmed by _elements.
func subsettedTag() coding {
	return coding{System: systemV3ObsValue, Code: "SUBSETTED", Display: "subsetted"}
}
