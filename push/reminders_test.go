package push

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/rivertype"
)

// localIn returns t as a Local in zone.
func localIn(t *testing.T, at time.Time, zone string) Local {
	t.Helper()
	l := at.In(mustZone(t, zone))
	return Local{Wall: time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC), Zone: zone}
}

// inTx runs f in a committed transaction.
func inTx(t *testing.T, e *testEnv, f func(tx pgx.Tx) error) {
	t.Helper()
	if err := pgx.BeginFunc(context.Background(), e.pool, f); err != nil {
		t.Fatal(err)
	}
}

// TestRemindersAfterOutage stops the workers ("server stopped") while
// reminders come due, then starts a new node: each still-relevant reminder
// arrives exactly once per device, late; the irrelevant ones are dropped
// and recorded.
func TestRemindersAfterOutage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.AppointmentOffsets = []time.Duration{time.Second} })
	ctx := context.Background()
	alice, bob := e.user(t, "patient"), e.user(t, "patient")
	a1, a2, b1 := e.device(t, alice), e.device(t, alice), e.device(t, bob)

	now := time.Now().Truncate(time.Second)
	inTx(t, e, func(tx pgx.Tx) error {
		// Due in 2 s, relevant for a day: must arrive, late.
		if err := e.svc.ScheduleQuestionnaireDue(ctx, tx, alice, 31, localIn(t, now.Add(2*time.Second), "Europe/Berlin")); err != nil {
			return err
		}
		// Due in 2 s, the appointment starts in 3 s: stale after the outage.
		return e.svc.ScheduleAppointmentReminders(ctx, tx, bob, 41, localIn(t, now.Add(3*time.Second), "America/New_York"))
	})
	// A notice read before any node runs is dropped; a repeated one is debounced.
	must(t, e.svc.NotifyNewMessage(ctx, alice, 51))
	must(t, e.svc.MarkRead(ctx, alice, 51))
	must(t, e.svc.NotifyNewMessage(ctx, alice, 52))
	must(t, e.svc.NotifyNewMessage(ctx, alice, 52))
	// An alert whose escalation was claimed meanwhile is dropped.
	must(t, e.svc.CrisisAlert(ctx, []int64{bob}, 61))
	must(t, e.svc.CancelCrisisAlerts(ctx, 61))

	for time.Now().Before(now.Add(3500 * time.Millisecond)) {
		time.Sleep(50 * time.Millisecond) // the outage: everything above falls due
	}
	if e.push.total() != 0 {
		t.Fatal("pushes were sent while no worker ran")
	}

	node := e.newService(t, nil)
	e.start(t, node)
	waitFor(t, "reminders to settle", func() bool {
		var pending int
		e.pool.QueryRow(ctx, `SELECT count(*) FROM push_reminders WHERE state = 'scheduled'`).Scan(&pending)
		var jobs int
		e.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&jobs)
		return pending == 0 && jobs == 0
	})

	q := e.reminderIDs(t, KindQuestionnaire, 31)
	m := e.reminderIDs(t, KindMessage, 52)
	if len(q) != 1 || len(m) != 1 {
		t.Fatalf("%d questionnaire and %d message reminders, want 1 each", len(q), len(m))
	}
	for _, id := range []int64{q[0], m[0]} {
		if state, _ := e.state(t, id); state != "sent" {
			t.Errorf("reminder %d is %s, want sent", id, state)
		}
		for _, d := range []*testDevice{a1, a2} {
			if s := e.delivery(t, id, d.id); s != "sent" {
				t.Errorf("reminder %d to device %d: %q, want sent", id, d.id, s)
			}
		}
	}
	for _, d := range []*testDevice{a1, a2} {
		if got := e.push.receivedBy(d); len(got) != 2 {
			t.Errorf("alice's device %d got %d pushes, want 2 (questionnaire, message)", d.id, len(got))
		}
	}
	var late bool
	e.pool.QueryRow(ctx, `SELECT d.updated_at > r.due_at + interval '1 second' FROM push_deliveries d
		JOIN push_reminders r ON r.id = d.reminder_id WHERE r.id = $1 LIMIT 1`, q[0]).Scan(&late)
	if !late {
		t.Error("the questionnaire reminder was not delivered after the outage")
	}

	if n := e.push.requestsTo(b1); n != 0 {
		t.Errorf("bob's device got %d posts, want none", n)
	}
	for _, tc := range []struct {
		kind          Kind
		ref           int64
		state, reason string
	}{
		{KindAppointment, 41, "dropped", reasonStale},
		{KindMessage, 51, "cancelled", reasonRead},
		{KindCrisisAlert, 61, "cancelled", reasonClaimed},
	} {
		ids := e.reminderIDs(t, tc.kind, tc.ref)
		if len(ids) != 1 {
			t.Fatalf("%s %d: %d reminders", tc.kind, tc.ref, len(ids))
		}
		if state, reason := e.state(t, ids[0]); state != tc.state || reason != tc.reason {
			t.Errorf("%s %d: %s/%s, want %s/%s", tc.kind, tc.ref, state, reason, tc.state, tc.reason)
		}
	}
}

// TestHangingPushServiceTimesOutAndRetries runs the workers against a push
// service that does not answer the first post: the post times out and the
// job retries, delivering once.
func TestHangingPushServiceTimesOutAndRetries(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	node := e.newService(t, func(c *Config) { c.HTTPClient = e.push.client(300 * time.Millisecond) })
	u := e.user(t, "patient")
	d := e.device(t, u)
	e.push.setRespond(func(_ string, n int) reply { return reply{status: 201, hang: n == 1} })
	e.start(t, node)
	ctx := context.Background()
	must(t, node.NotifyNewMessage(ctx, u, 3))
	id := e.reminderIDs(t, KindMessage, 3)[0]
	waitFor(t, "the retried push", func() bool { s, _ := e.state(t, id); return s != "scheduled" })

	if s, _ := e.state(t, id); s != "sent" {
		t.Fatalf("reminder %s, want sent", s)
	}
	var attempts int
	e.pool.QueryRow(ctx, `SELECT attempts FROM push_deliveries WHERE reminder_id = $1`, id).Scan(&attempts)
	if got := len(e.push.receivedBy(d)); got != 1 || e.push.requestsTo(d) != 2 || attempts != 2 {
		t.Fatalf("received %d, requests %d, attempts %d; want 1, 2, 2", got, e.push.requestsTo(d), attempts)
	}
}

func TestSchedulingRollsBackWithTheCallersTransaction(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.user(t, "patient")
	ctx := context.Background()
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must(t, e.svc.ScheduleAppointmentReminders(ctx, tx, u, 7, localIn(t, time.Now().Add(48*time.Hour), "Europe/Berlin")))
	must(t, e.svc.ScheduleMedication(ctx, tx, u, 8, []string{"08:00"}, "Europe/Berlin"))
	must(t, tx.Rollback(ctx))
	var reminders, jobs int
	e.pool.QueryRow(ctx, `SELECT count(*) FROM push_reminders`).Scan(&reminders)
	e.pool.QueryRow(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs)
	if reminders != 0 || jobs != 0 {
		t.Fatalf("%d reminders and %d jobs survived the rollback", reminders, jobs)
	}
}

func TestAppointmentRemindersReschedule(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: utc("2026-11-22T12:00:00Z")}
	e := newEnv(t, func(c *Config) { c.Now = clock.Now })
	u := e.user(t, "patient")
	d := e.device(t, u)
	ctx := context.Background()
	start := Local{Wall: utc("2026-12-01T10:00:00Z"), Zone: "Europe/Berlin"}
	inTx(t, e, func(tx pgx.Tx) error { return e.svc.ScheduleAppointmentReminders(ctx, tx, u, 70, start) })
	dues := func() []string {
		rows, _ := e.pool.Query(ctx, `SELECT to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') FROM push_reminders
			WHERE kind = 'appointment' AND state = 'scheduled' ORDER BY due_at`)
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		must(t, err)
		return out
	}
	if got := dues(); len(got) != 2 || got[0] != "2026-11-30T09:00" || got[1] != "2026-12-01T08:00" {
		t.Fatalf("reminders due %v, want 24 h and 1 h before 10:00 CET", got)
	}
	start.Wall = utc("2026-12-02T10:00:00Z")
	inTx(t, e, func(tx pgx.Tx) error { return e.svc.ScheduleAppointmentReminders(ctx, tx, u, 70, start) })
	if got := dues(); len(got) != 2 || got[0] != "2026-12-01T09:00" {
		t.Fatalf("after rescheduling: due %v", got)
	}
	ids := e.reminderIDs(t, KindAppointment, 70)
	if s, r := e.state(t, ids[0]); s != "cancelled" || r != reasonRescheduled {
		t.Fatalf("old reminder %s/%s, want cancelled/rescheduled", s, r)
	}
	inTx(t, e, func(tx pgx.Tx) error { return e.svc.CancelAppointmentReminders(ctx, tx, u, 70) })
	if got := dues(); len(got) != 0 {
		t.Fatalf("reminders left after cancelling: %v", got)
	}
	clock.Set(utc("2026-12-02T08:30:00Z"))
	for _, id := range ids {
		must(t, e.svc.run(ctx, id))
	}
	if n := e.push.requestsTo(d); n != 0 {
		t.Fatalf("cancelled reminders posted %d times", n)
	}
	// Booked 30 minutes ahead: too late for either reminder.
	inTx(t, e, func(tx pgx.Tx) error {
		return e.svc.ScheduleAppointmentReminders(ctx, tx, u, 71, localIn(t, clock.Now().Add(30*time.Minute), "Europe/Berlin"))
	})
	if ids := e.reminderIDs(t, KindAppointment, 71); len(ids) != 0 {
		t.Fatalf("%d reminders for an appointment 30 minutes away", len(ids))
	}
}

// TestMedicationChain follows a daily 02:30 dose in New York across the
// spring-forward day: each reminder schedules the next exactly once, a
// stale one is dropped but still continues the chain, and a changed or
// cancelled schedule stops the old chain.
func TestMedicationChain(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: utc("2026-03-07T17:00:00Z")}
	e := newEnv(t, func(c *Config) { c.Now = clock.Now })
	u := e.user(t, "patient")
	d := e.device(t, u)
	ctx := context.Background()
	const ny = "America/New_York"
	inTx(t, e, func(tx pgx.Tx) error { return e.svc.ScheduleMedication(ctx, tx, u, 3, []string{"02:30"}, ny) })

	due := func(id int64) string {
		var s string
		must(t, e.pool.QueryRow(ctx, `SELECT to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') || ' ' || to_char(wall, 'HH24:MI')
			FROM push_reminders WHERE id = $1`, id).Scan(&s))
		return s
	}
	ids := e.reminderIDs(t, KindMedication, 3)
	if len(ids) != 1 || due(ids[0]) != "2026-03-08T07:00 03:00" {
		t.Fatalf("first dose: %d reminders, due %s; want 03:00 EDT (02:30 is in the gap)", len(ids), due(ids[0]))
	}

	clock.Set(utc("2026-03-08T07:01:00Z"))
	must(t, e.svc.run(ctx, ids[0]))
	must(t, e.svc.run(ctx, ids[0])) // a rerun sends nothing and schedules nothing more
	ids = e.reminderIDs(t, KindMedication, 3)
	if len(ids) != 2 || due(ids[1]) != "2026-03-09T06:30 02:30" {
		t.Fatalf("after the first dose: %d reminders, next due %s", len(ids), due(ids[len(ids)-1]))
	}
	if got := e.push.receivedBy(d); len(got) != 1 || got[0].ttl > int((2*time.Hour).Seconds()) {
		t.Fatalf("%d pushes for the first dose, want 1 with a TTL within the 2 h window", len(got))
	}

	clock.Set(utc("2026-03-09T09:00:00Z")) // 2.5 h late: stale
	must(t, e.svc.run(ctx, ids[1]))
	if s, r := e.state(t, ids[1]); s != "dropped" || r != reasonStale {
		t.Fatalf("late dose %s/%s, want dropped/stale", s, r)
	}
	ids = e.reminderIDs(t, KindMedication, 3)
	if len(ids) != 3 || due(ids[2]) != "2026-03-10T06:30 02:30" {
		t.Fatalf("the chain did not continue after a stale dose: %d reminders", len(ids))
	}

	// New times replace the pending dose and start a new chain.
	inTx(t, e, func(tx pgx.Tx) error {
		return e.svc.ScheduleMedication(ctx, tx, u, 3, []string{"20:00", "08:00", "08:00"}, ny)
	})
	if s, r := e.state(t, ids[2]); s != "cancelled" || r != reasonRescheduled {
		t.Fatalf("pending dose %s/%s after new times, want cancelled/rescheduled", s, r)
	}
	ids = e.reminderIDs(t, KindMedication, 3)
	next := ids[len(ids)-1]
	if due(next) != "2026-03-09T12:00 08:00" {
		t.Fatalf("next dose under new times due %s", due(next))
	}
	clock.Set(utc("2026-03-09T12:00:30Z"))
	must(t, e.svc.run(ctx, next))
	ids = e.reminderIDs(t, KindMedication, 3)
	if due(ids[len(ids)-1]) != "2026-03-10T00:00 20:00" {
		t.Fatalf("dose after 08:00 due %s, want 20:00 EDT", due(ids[len(ids)-1]))
	}

	inTx(t, e, func(tx pgx.Tx) error { return e.svc.CancelMedication(ctx, tx, u, 3) })
	last := ids[len(ids)-1]
	if s, r := e.state(t, last); s != "cancelled" || r != reasonCancelled {
		t.Fatalf("pending dose %s/%s after turning reminders off", s, r)
	}
	clock.Set(utc("2026-03-10T00:00:30Z"))
	must(t, e.svc.run(ctx, last))
	if n := len(e.reminderIDs(t, KindMedication, 3)); n != len(ids) {
		t.Fatalf("a cancelled schedule grew to %d reminders", n)
	}
	if n := len(e.push.receivedBy(d)); n != 2 {
		t.Fatalf("%d dose pushes, want 2", n)
	}
}

func TestQuietHoursAndOptOut(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: utc("2026-11-23T03:00:00Z")} // 22:00 in New York
	e := newEnv(t, func(c *Config) { c.Now = clock.Now })
	ctx := context.Background()
	patient, counselor := e.user(t, "patient"), e.user(t, "counselor")
	pd, cd := e.device(t, patient), e.device(t, counselor)
	quiet := Preferences{QuietStart: "21:30", QuietEnd: "07:00", Zone: "America/New_York", OptOut: []Kind{KindMedication}}
	must(t, e.svc.SetPreferences(ctx, patient, quiet))
	must(t, e.svc.SetPreferences(ctx, counselor, Preferences{QuietStart: "21:30", QuietEnd: "07:00", Zone: "America/New_York"}))
	if got, err := e.svc.Preferences(ctx, patient); err != nil || got.QuietStart != "21:30" || len(got.OptOut) != 1 {
		t.Fatalf("Preferences = %+v, %v", got, err)
	}
	if err := e.svc.SetPreferences(ctx, counselor, Preferences{OptOut: []Kind{KindCrisisAlert}}); !errors.Is(err, ErrCrisisOptOut) {
		t.Fatalf("opting out of crisis alerts: %v", err)
	}

	// A questionnaire due now waits for the end of quiet hours, 07:00 EST.
	inTx(t, e, func(tx pgx.Tx) error {
		return e.svc.ScheduleQuestionnaireDue(ctx, tx, patient, 11, localIn(t, clock.Now(), "America/New_York"))
	})
	qid := e.reminderIDs(t, KindQuestionnaire, 11)[0]
	err := e.svc.run(ctx, qid)
	var snooze *rivertype.JobSnoozeError
	if !errors.As(err, &snooze) || snooze.Duration != 9*time.Hour {
		t.Fatalf("run in quiet hours = %v, want a 9 h snooze", err)
	}
	// An appointment at 06:30 cannot wait for 07:00: dropped.
	inTx(t, e, func(tx pgx.Tx) error {
		return e.svc.ScheduleAppointmentReminders(ctx, tx, patient, 12, Local{Wall: utc("2026-11-23T06:30:00Z"), Zone: "America/New_York"})
	})
	clock.Set(utc("2026-11-23T10:31:00Z")) // 05:31, an hour before
	aid := e.reminderIDs(t, KindAppointment, 12)
	must(t, e.svc.run(ctx, aid[len(aid)-1]))
	if s, r := e.state(t, aid[len(aid)-1]); s != "dropped" || r != reasonQuiet {
		t.Fatalf("appointment reminder in quiet hours: %s/%s", s, r)
	}
	// Opted out of medication reminders: dropped, whatever the hour.
	inTx(t, e, func(tx pgx.Tx) error {
		return e.svc.ScheduleMedication(ctx, tx, patient, 13, []string{"05:40"}, "America/New_York")
	})
	clock.Set(utc("2026-11-23T10:41:00Z"))
	mid := e.reminderIDs(t, KindMedication, 13)[0]
	must(t, e.svc.run(ctx, mid))
	if s, r := e.state(t, mid); s != "dropped" || r != reasonOptedOut {
		t.Fatalf("opted-out dose: %s/%s", s, r)
	}
	// Crisis alerts ignore quiet hours.
	must(t, e.svc.CrisisAlert(ctx, []int64{counselor}, 14))
	must(t, e.svc.run(ctx, e.reminderIDs(t, KindCrisisAlert, 14)[0]))
	if got := e.push.receivedBy(cd); len(got) != 1 {
		t.Fatalf("counselor got %d crisis alerts in quiet hours, want 1", len(got))
	}
	if n := e.push.requestsTo(pd); n != 0 {
		t.Fatalf("patient got %d posts in quiet hours", n)
	}
	// At 07:00 the deferred questionnaire reminder goes out.
	clock.Set(utc("2026-11-23T12:00:00Z"))
	must(t, e.svc.run(ctx, qid))
	if got := e.push.receivedBy(pd); len(got) != 1 {
		t.Fatalf("deferred reminder: %d pushes, want 1", len(got))
	}
}
