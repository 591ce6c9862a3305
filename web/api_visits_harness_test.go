package web

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
	"haven/portal/meds"
	"haven/portal/seal"
	"haven/portal/visits"
	"haven/push"
)

// careHarness is the edge with the real scheduler and medication list on
// the harness's database, with a real push.Service (workers not started)
// for their reminders and a recording fake for their notifications.
type careHarness struct {
	*harness
	vclock  *clock // the scheduler's and medication list's clock, apart from the sessions'
	visits  *visits.Service
	meds    *meds.Service
	notices *recordingNotices
	admin   account.Actor // who adds patients to care teams (made on first use)
}

// clinicPhone is named in the scheduler's notice-window messages.
const clinicPhone = "+1 555 0100"

func newCareHarness(t *testing.T) *careHarness {
	t.Helper()
	h := newHarness(t)
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(h.logs, nil))
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.New(ctx, h.pool, kek, seal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := push.New(ctx, h.pool, keys, push.Config{Subject: "mailto:t@example.org", Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	c := &careHarness{harness: h, vclock: &clock{now: time.Now()}, notices: &recordingNotices{}}
	c.visits, err = visits.New(visits.Options{Pool: h.pool, Access: h.acct, Reminders: visitReminders{p}, Notifier: c.notices,
		Now: c.vclock.Now, ClinicPhone: clinicPhone, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	c.meds, err = meds.New(meds.Options{Pool: h.pool, Access: h.acct, Sealer: keys, Reminders: p, Notifier: c.notices,
		Now: c.vclock.Now, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	// No request has been served yet; every request that reads these is
	// ordered after this write through its connection.
	h.srv.deps.Visits, h.srv.deps.Meds = c.visits, c.meds
	return c
}

// visitReminders adapts push's local-time reminders to the scheduler's
// instants, as cmd/portal does.
type visitReminders struct{ p *push.Service }

func (r visitReminders) ScheduleAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, appointmentID int64, start time.Time, zone string) error {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return err
	}
	return r.p.ScheduleAppointmentReminders(ctx, tx, userID, appointmentID, push.Local{Wall: start.In(loc), Zone: zone})
}

func (r visitReminders) CancelAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, appointmentID int64) error {
	return r.p.CancelAppointmentReminders(ctx, tx, userID, appointmentID)
}

// recordingNotices records the content-free notices the scheduler and the
// medication list send (ids only).
type recordingNotices struct {
	mu                         sync.Mutex
	offers, requested, decided []int64
}

func (n *recordingNotices) SlotOffered(_ context.Context, _ pgx.Tx, _, offerID int64) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.offers = append(n.offers, offerID)
	return nil
}

func (n *recordingNotices) RefillRequested(_ context.Context, _ pgx.Tx, _, refillID int64) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.requested = append(n.requested, refillID)
	return nil
}

func (n *recordingNotices) RefillDecided(_ context.Context, _ pgx.Tx, _, refillID int64) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.decided = append(n.decided, refillID)
	return nil
}

func (n *recordingNotices) lastOffer() int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.offers) == 0 {
		return 0
	}
	return n.offers[len(n.offers)-1]
}

// clinicZone is the clinicians' zone in these tests.
const clinicZone = "America/New_York"

// allWeek is availability every day from 08:00 to 18:00 in New York.
func allWeek() availabilityJSON {
	av := availabilityJSON{Zone: clinicZone, Exceptions: []exceptionJSON{}}
	for d := 0; d < 7; d++ {
		av.Weekly = append(av.Weekly, weeklyJSON{Weekday: d, Start: "08:00", End: "18:00"})
	}
	return av
}

// publish sets the clinician's availability and adds a 50-minute video
// visit type through the API, returning the type.
func (c *careHarness) publish(t *testing.T, as *client, clinicianID int64) visitTypeJSON {
	t.Helper()
	id := strconv.FormatInt(clinicianID, 10)
	as.do("PUT", "/api/clinicians/"+id+"/availability", allWeek()).want(t, 200)
	var vt visitTypeJSON
	as.do("POST", "/api/clinicians/"+id+"/visit-types", visitTypeRequest{Name: "Therapy session", Minutes: 50, Modality: "video"}).
		want(t, 201).decode(t, &vt)
	return vt
}

// changeable is how far ahead the tests' bookings start by default, so
// that patients may still cancel or move them.
const changeable = 26 * time.Hour

// slots lists the open times of a visit type with a clinician, as as sees
// them, for days from changeable after the scheduler's now.
func (c *careHarness) slots(t *testing.T, as *client, clinicianID, typeID int64, days int) []slotJSON {
	t.Helper()
	return c.slotsFrom(t, as, clinicianID, typeID, c.vclock.Now().Add(changeable), days)
}

// slotsFrom lists the open times as slots does, for days from from.
func (c *careHarness) slotsFrom(t *testing.T, as *client, clinicianID, typeID int64, from time.Time, days int) []slotJSON {
	t.Helper()
	from = from.UTC()
	q := "?type=" + strconv.FormatInt(typeID, 10) + "&from=" + from.Format(time.RFC3339) +
		"&to=" + from.Add(time.Duration(days)*24*time.Hour).Format(time.RFC3339)
	var out struct {
		Slots []slotJSON `json:"slots"`
	}
	as.do("GET", "/api/clinicians/"+strconv.FormatInt(clinicianID, 10)+"/slots"+q, nil).want(t, 200).decode(t, &out)
	if len(out.Slots) == 0 {
		t.Fatal("no open slots")
	}
	return out.Slots
}

// book books a slot for patientID through the API and returns the appointment.
func (c *careHarness) book(t *testing.T, as *client, patientID, clinicianID, typeID int64, start string) appointmentJSON {
	t.Helper()
	var a appointmentJSON
	as.do("POST", "/api/patients/"+strconv.FormatInt(patientID, 10)+"/appointments",
		bookRequest{ClinicianID: clinicianID, VisitTypeID: typeID, Start: start}).want(t, 201).decode(t, &a)
	return a
}

// addPatient makes another patient of the clinician, signed in. It is not
// safe for concurrent use.
func (c *careHarness) addPatient(t *testing.T, email, name string, clinicianID int64) (account.Account, *client) {
	t.Helper()
	p := c.createUser(account.RolePatient, email, name)
	if c.admin.UserID == 0 {
		a := c.createUser(account.RoleAdmin, "care-admin@clinic.example", "Care Admin")
		c.admin = account.Actor{UserID: a.ID, Role: account.RoleAdmin}
	}
	if err := c.acct.AddToCareTeam(context.Background(), c.admin, p.ID, clinicianID); err != nil {
		t.Fatal(err)
	}
	pc := c.client()
	pc.signIn(email)
	return p, pc
}

// auditCount counts audit rows of an action by an actor about a patient.
func (c *careHarness) auditCount(t *testing.T, actorID int64, action string, patientID int64) int {
	t.Helper()
	var n int
	err := c.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log
		WHERE actor_id = $1 AND action = $2 AND coalesce(patient_id, 0) = $3`, actorID, action, patientID).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
