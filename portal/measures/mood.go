package measures

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// MaxMoodNote bounds a check-in's note, in characters.
const MaxMoodNote = 2000

// MoodInput is a daily mood check-in.
type MoodInput struct {
	Score int    // 1 (worst) to 10 (best)
	Note  string // optional, at most MaxMoodNote characters
	Zone  string // the patient's IANA zone: which local day this is
}

// Mood is the check-in of one local day.
type Mood struct {
	Day        time.Time // the local calendar day, as midnight UTC
	Score      int
	Note       string
	RecordedAt time.Time
}

// MoodPoint is one day on the mood trend.
type MoodPoint struct {
	Day   time.Time // midnight UTC of the local day
	Score int
}

// moodEntry is the sealed content of a check-in.
type moodEntry struct {
	Score int    `json:"score"`
	Note  string `json:"note,omitempty"`
}

const (
	sqlUpsertMood = `INSERT INTO measure_moods (patient_id, day, entry, zone, recorded_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (patient_id, day) DO UPDATE
		SET entry = excluded.entry, zone = excluded.zone, recorded_at = excluded.recorded_at`
	sqlMoods = `SELECT day, entry, recorded_at FROM measure_moods
		WHERE patient_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day`
)

// CheckIn records the patient's mood for today in in.Zone; a second
// check-in the same local day replaces the first. Only the patient may
// check in (ErrPatientOnly). The score and note are sealed; the write is
// audited as measures.write in the same transaction. ErrBadMood,
// ErrNoteTooLong, ErrBadNote or ErrBadZone for bad input.
func (s *Service) CheckIn(ctx context.Context, actor account.Actor, patientID int64, in MoodInput) (Mood, error) {
	if err := s.allowPatient(ctx, actor, patientID); err != nil {
		return Mood{}, err
	}
	note, err := in.check()
	if err != nil {
		return Mood{}, err
	}
	loc, err := loadZone(in.Zone)
	if err != nil {
		return Mood{}, err
	}
	now := s.now()
	y, m, d := now.In(loc).Date()
	m0 := Mood{Day: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Score: in.Score, Note: note, RecordedAt: now}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		sealed, err := s.sealJSON(ctx, patientID, moodAD(patientID, m0.Day), moodEntry{Score: m0.Score, Note: m0.Note})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlUpsertMood, patientID, m0.Day, sealed, in.Zone, now); err != nil {
			return fmt.Errorf("measures: mood: %w", err)
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "mood:"+dayKey(m0.Day))
	})
	if err != nil {
		return Mood{}, err
	}
	return m0, nil
}

// check validates a check-in and returns its cleaned note.
func (in MoodInput) check() (string, error) {
	if in.Score < 1 || in.Score > 10 {
		return "", ErrBadMood
	}
	note := strings.TrimSpace(in.Note)
	if !utf8.ValidString(note) || strings.ContainsFunc(note, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\t'
	}) {
		return "", ErrBadNote
	}
	if utf8.RuneCountInString(note) > MaxMoodNote {
		return "", ErrNoteTooLong
	}
	return note, nil
}

// Moods returns patientID's check-ins, notes included, for the local days
// from through to (the calendar dates of from and to as given), oldest
// first, audited as one measures.read. ErrBadRange when from is after to.
func (s *Service) Moods(ctx context.Context, actor account.Actor, patientID int64, from, to time.Time) ([]Mood, error) {
	return s.moods(ctx, actor, patientID, from, to, "moods")
}

// MoodTrend returns the scores of Moods, without notes, for a chart.
func (s *Service) MoodTrend(ctx context.Context, actor account.Actor, patientID int64, from, to time.Time) ([]MoodPoint, error) {
	ms, err := s.moods(ctx, actor, patientID, from, to, "mood_trend")
	if err != nil {
		return nil, err
	}
	out := make([]MoodPoint, len(ms))
	for i, m := range ms {
		out[i] = MoodPoint{Day: m.Day, Score: m.Score}
	}
	return out, nil
}

func (s *Service) moods(ctx context.Context, actor account.Actor, patientID int64, from, to time.Time, target string) ([]Mood, error) {
	if err := s.allow(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	from, to = dateOf(from), dateOf(to)
	if from.After(to) {
		return nil, ErrBadRange
	}
	var out []Mood
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlMoods, patientID, from, to)
		if err != nil {
			return fmt.Errorf("measures: moods: %w", err)
		}
		type stored struct {
			day, at time.Time
			sealed  []byte
		}
		got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
			var st stored
			return st, r.Scan(&st.day, &st.sealed, &st.at)
		})
		if err != nil {
			return fmt.Errorf("measures: moods: %w", err)
		}
		for _, st := range got {
			var e moodEntry
			if err := s.openJSON(ctx, patientID, moodAD(patientID, st.day), st.sealed, &e); err != nil {
				return err
			}
			out = append(out, Mood{Day: st.day, Score: e.Score, Note: e.Note, RecordedAt: st.at})
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, target)
	})
	return out, err
}

// dateOf is t's calendar date (in t's own location) as midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dayKey(day time.Time) string { return day.Format(time.DateOnly) }

// moodAD binds a check-in to its row, whose key is (patient, day).
func moodAD(patientID int64, day time.Time) []byte {
	return ad("measure_moods", itoa(patientID)+":"+dayKey(day), "entry")
}
