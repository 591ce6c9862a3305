package meds

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Medication is one entry of a patient's medication list.
type Medication struct {
	ID           int64
	PatientID    int64
	PrescriberID int64
	Name         string   // "Sertraline"
	Dose         string   // "50 mg"
	Instructions string   // the schedule in words: "Once a day with breakfast"
	DailyTimes   []string // structured dose times, HH:MM local, sorted
	Zone         string   // IANA zone of DailyTimes (the patient's)
	Start        string   // YYYY-MM-DD
	Stop         string   // YYYY-MM-DD, or "" while ongoing
	RemindersOn  bool     // the patient's choice
	UpdatedAt    time.Time
}

// MedicationInput is what a clinician records. Name and Dose are required.
type MedicationInput struct {
	Name         string   // 1 to 200 characters
	Dose         string   // 1 to 100 characters
	Instructions string   // up to 1000 characters; may span lines
	DailyTimes   []string // up to 24 HH:MM times
	Zone         string   // IANA zone of DailyTimes
	Start        string   // YYYY-MM-DD
	Stop         string   // YYYY-MM-DD on or after Start, or ""
	PrescriberID int64    // a clinician on the care team; 0 means the acting clinician
}

// stoppedBy reports whether the medication was stopped before day (midnight UTC).
func (m Medication) stoppedBy(day time.Time) bool {
	if m.Stop == "" {
		return false
	}
	stop, err := parseDate(m.Stop)
	return err == nil && stop.Before(day)
}

// clean validates in, returning it trimmed and normalized.
func (in MedicationInput) clean() (MedicationInput, error) {
	var err error
	if in.Name, err = text(in.Name, 1, 200, false, ErrName); err != nil {
		return in, err
	}
	if in.Dose, err = text(in.Dose, 1, 100, false, ErrDose); err != nil {
		return in, err
	}
	if in.Instructions, err = text(in.Instructions, 0, 1000, true, ErrInstructions); err != nil {
		return in, err
	}
	if in.DailyTimes, err = parseTimes(in.DailyTimes); err != nil {
		return in, err
	}
	if _, err := loadZone(in.Zone); err != nil {
		return in, err
	}
	start, err := parseDate(in.Start)
	if err != nil {
		return in, err
	}
	if in.Stop != "" {
		stop, err := parseDate(in.Stop)
		if err != nil {
			return in, err
		}
		if stop.Before(start) {
			return in, ErrStopBeforeStart
		}
	}
	return in, nil
}

// text trims s and checks its length in characters, UTF-8 validity and the
// absence of control characters (newlines and tabs allowed when multiline).
func text(s string, min, max int, multiline bool, bad error) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n < min || n > max || !utf8.ValidString(s) {
		return "", bad
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r'))
	}) >= 0 {
		return "", bad
	}
	return s, nil
}
