package media

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"haven/portal/account"
	"haven/portal/visits"
)

// room returns the open room of a live session.
func (e *hubEnv) room(id string) *Room {
	e.t.Helper()
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	ls := e.s.live[id]
	if ls == nil {
		e.t.Fatalf("session %s is not live", id)
	}
	return ls.room
}

// startSession starts an ad hoc session of host with patients.
func (e *hubEnv) startSession(host account.Actor, patients ...int64) SessionInfo {
	e.t.Helper()
	in, err := e.s.StartAdHoc(e.ctx, host, patients)
	if err != nil {
		e.t.Fatalf("StartAdHoc: %v", err)
	}
	return in
}

// waitMedia waits until c has received packets of source from publisher.
func waitMedia(ctx context.Context, t *testing.T, c *rtcClient, publisher, source string) {
	t.Helper()
	eventually(ctx, t, c.pid+" receiving "+publisher+"'s "+source, func() bool { return c.received(publisher, source) > 0 })
}

// TestSessionWaitingRoomAdmitAndMedia drives a whole ad hoc session over
// the hub: the patient waits with no peer connection, the clinician sees
// the waiting list and admits, both publish through media.offer/answer and
// each receives the other's audio and video; a host mutes, then ends the
// session, whose summary is stored.
func TestSessionWaitingRoomAdmitAndMedia(t *testing.T) {
	ctx := mediaTest(t, 90*time.Second)
	e := newHubEnv(t, ctx, SessionsOptions{})
	clin := e.user(account.RoleClinician)
	pat := e.user(account.RolePatient, clin.UserID)
	in := e.startSession(clin, pat.UserID)
	if len(in.ID) != 27 || in.Role != RoleHost || len(in.Members) != 2 || in.Members[1].Name == "" {
		t.Fatalf("session = %+v", in)
	}

	host := newRTC(e, clin)
	if r := host.join(ctx, in.ID, false); r.Role != RoleHost || r.Waiting {
		t.Fatalf("host join = %+v", r)
	}
	guest := newRTC(e, pat)
	if r := guest.join(ctx, in.ID, false); r.Role != RoleGuest || !r.Waiting {
		t.Fatalf("guest join = %+v, want waiting", r)
	}
	guest.ws.waitEvent(ctx, FrameWaiting, 0, hasParticipant(guest.pid))
	host.ws.waitEvent(ctx, FrameWaitingList, 0, waitingIs(guest.pid))

	// Waiting: no participant, no peer connection, no negotiation.
	if _, err := e.room(in.ID).Participant(guest.pid); !errors.Is(err, ErrNoParticipant) {
		t.Fatalf("waiting guest is a participant: %v", err)
	}
	if st := e.sfu.Stats(); st.Participants != 1 {
		t.Fatalf("SFU participants = %d while the guest waits, want 1", st.Participants)
	}
	if code := guest.ws.refused(ctx, FrameOffer, SDP{SDP: "v=0\r\n"}); code != "conflict" {
		t.Fatalf("offer while waiting: %s, want conflict", code)
	}
	if code := guest.ws.refused(ctx, FrameAdmit, Target{Participant: guest.pid}); code != "forbidden" {
		t.Fatalf("a guest admitting: %s, want forbidden", code)
	}

	mark := host.ws.events()
	host.ws.ok(ctx, FrameAdmit, Target{Participant: guest.pid}, nil)
	guest.ws.waitEvent(ctx, FrameAdmitted, 0, hasParticipant(guest.pid))
	host.ws.waitEvent(ctx, FrameWaitingList, mark, waitingIs())
	if r := guest.join(ctx, in.ID, false); r.Waiting {
		t.Fatalf("admitted guest join = %+v", r)
	}
	host.ws.waitEvent(ctx, FrameJoined, 0, hasParticipant(guest.pid))

	host.publish(ctx)
	guest.publish(ctx)
	for _, src := range []string{SourceMic, SourceCamera} {
		waitMedia(ctx, t, host, guest.pid, src)
		waitMedia(ctx, t, guest, host.pid, src)
	}

	host.ws.ok(ctx, FrameMute, Target{Participant: guest.pid}, nil)
	guest.ws.waitEvent(ctx, FrameMuted, 0, hasParticipant(guest.pid))
	if code := guest.ws.refused(ctx, FrameMute, Target{Participant: host.pid}); code != "forbidden" {
		t.Fatalf("a guest muting the host: %s, want forbidden", code)
	}
	guest.ws.ok(ctx, FrameUnmute, Target{Participant: guest.pid}, nil) // self
	host.ws.waitEvent(ctx, FrameUnmuted, 0, hasParticipant(guest.pid))

	host.ws.ok(ctx, FrameEnd, nil, nil)
	guest.ws.waitEvent(ctx, FrameEnded, 0, nil)
	if code := guest.ws.refused(ctx, FrameJoin, JoinFrame{Room: in.ID}); code != "conflict" {
		t.Fatalf("joining an ended session: %s, want conflict", code)
	}
	if n := e.count(`SELECT count(*) FROM video_sessions WHERE id = $1 AND end_reason = 'ended' AND duration_ms > 0`, in.ID); n != 1 {
		t.Fatal("the ended session was not stored as ended")
	}
	if n := e.count(`SELECT count(*) FROM video_session_participants WHERE session_id = $1 AND left_at >= joined_at`, in.ID); n != 2 {
		t.Fatalf("%d participant summaries, want 2", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'video.join' AND patient_id = $1`, pat.UserID); n < 2 {
		t.Fatalf("%d video.join audit rows for the patient, want ≥ 2 (host and guest)", n)
	}
}

// TestSessionRefusesOutsiders: only members join; the access policy
// decides who may start a session with whom.
func TestSessionRefusesOutsiders(t *testing.T) {
	ctx := mediaTest(t, 60*time.Second)
	e := newHubEnv(t, ctx, SessionsOptions{})
	clin := e.user(account.RoleClinician)
	pat := e.user(account.RolePatient, clin.UserID)
	stranger := e.user(account.RolePatient)
	colleague := e.user(account.RoleClinician)
	in := e.startSession(clin, pat.UserID)

	for _, who := range []account.Actor{stranger, colleague} {
		c := e.dial(who, nil)
		if code := c.refused(ctx, FrameJoin, JoinFrame{Room: in.ID}); code != "forbidden" {
			t.Errorf("user %d joining: %s, want forbidden", who.UserID, code)
		}
		if _, err := e.s.Info(ctx, who, in.ID); !errors.Is(err, account.ErrForbidden) {
			t.Errorf("user %d reading the session: %v", who.UserID, err)
		}
	}
	c := e.dial(pat, nil)
	if code := c.refused(ctx, FrameJoin, JoinFrame{Room: newSessionID()}); code != "not_found" {
		t.Errorf("unknown session: %s, want not_found", code)
	}
	if code := c.refused(ctx, FrameJoin, map[string]string{"room": "no spaces allowed"}); code != "invalid" {
		t.Errorf("malformed room: %s, want invalid", code)
	}
	if st := e.sfu.Stats(); st.Participants != 0 {
		t.Fatalf("refused joins left %d participants", st.Participants)
	}

	cases := []struct {
		name  string
		actor account.Actor
		ids   []int64
		want  error
	}{
		{"a patient starts", pat, []int64{stranger.UserID}, ErrHostRole},
		{"not on the care team", colleague, []int64{pat.UserID}, account.ErrForbidden},
		{"nobody invited", clin, nil, ErrBadGuests},
		{"twice the same", clin, []int64{pat.UserID, pat.UserID}, ErrBadGuests},
		{"too many", clin, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, ErrBadGuests},
	}
	for _, tc := range cases {
		if _, err := e.s.StartAdHoc(ctx, tc.actor, tc.ids); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if n := e.count(`SELECT count(*) FROM video_sessions`); n != 1 {
		t.Fatalf("%d sessions stored, want only the first", n)
	}
}

// TestSessionDeclineAndRemove: a declined guest leaves the waiting room; a
// removed guest must be admitted again.
func TestSessionDeclineAndRemove(t *testing.T) {
	ctx := mediaTest(t, 60*time.Second)
	e := newHubEnv(t, ctx, SessionsOptions{})
	clin := e.user(account.RoleClinician)
	pat := e.user(account.RolePatient, clin.UserID)
	guest := e.dial(pat, nil)
	in := e.startSession(clin, pat.UserID)
	guest.waitEvent(ctx, FrameInvite, 0, func(d json.RawMessage) bool { return strings.Contains(string(d), in.ID) })
	if mine, err := e.s.Mine(ctx, pat); err != nil || len(mine) != 1 || mine[0].ID != in.ID {
		t.Fatalf("patient's open sessions = %+v, %v", mine, err)
	}
	if mine, err := e.s.Mine(ctx, e.user(account.RolePatient)); err != nil || len(mine) != 0 {
		t.Fatalf("a stranger's open sessions = %+v, %v", mine, err)
	}
	host := e.dial(clin, nil)
	host.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, nil)
	pid := participantID(pat.UserID)

	guest.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, nil)
	host.waitEvent(ctx, FrameWaitingList, 0, waitingIs(pid))
	mark := host.events()
	host.ok(ctx, FrameDecline, Target{Participant: pid}, nil)
	guest.waitEvent(ctx, FrameDeclined, 0, hasParticipant(pid))
	host.waitEvent(ctx, FrameWaitingList, mark, waitingIs())
	if code := host.refused(ctx, FrameAdmit, Target{Participant: pid}); code != "not_found" {
		t.Fatalf("admitting a declined guest: %s, want not_found", code)
	}

	var r JoinReply
	guest.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, &r) // asks again
	if !r.Waiting {
		t.Fatal("a declined guest asking again is not waiting")
	}
	host.ok(ctx, FrameAdmit, Target{Participant: pid}, nil)
	guest.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, &r)
	if r.Waiting {
		t.Fatal("admitted guest still waiting")
	}
	host.ok(ctx, FrameRemove, Target{Participant: pid}, nil)
	guest.waitEvent(ctx, FrameRemoved, 0, hasParticipant(pid))
	guest.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, &r)
	if !r.Waiting {
		t.Fatal("a removed guest came back without being admitted")
	}
}

// TestSessionResumeAfterDroppedSignaling: a participant whose WebSocket
// drops resumes on a new connection within the grace period (same
// participant, ICE restarted, media flowing); one that does not come back
// leaves when the grace period ends.
func TestSessionResumeAfterDroppedSignaling(t *testing.T) {
	ctx := mediaTest(t, 90*time.Second)
	e := newHubEnv(t, ctx, SessionsOptions{Grace: 3 * time.Second})
	clin := e.user(account.RoleClinician)
	pat := e.user(account.RolePatient, clin.UserID)
	in := e.startSession(clin, pat.UserID)
	host := newRTC(e, clin)
	host.join(ctx, in.ID, false)
	guest := newRTC(e, pat)
	guest.join(ctx, in.ID, false)
	host.ws.ok(ctx, FrameAdmit, Target{Participant: guest.pid}, nil)
	guest.join(ctx, in.ID, false)
	host.publish(ctx)
	guest.publish(ctx)
	waitMedia(ctx, t, guest, host.pid, SourceCamera)
	part, err := e.room(in.ID).Participant(guest.pid)
	if err != nil {
		t.Fatal(err)
	}

	// The guest's signaling drops; their peer connections live on.
	guest.ws.drop()
	guest.setWS(e.dial(pat, guest.route))
	if r := guest.join(ctx, in.ID, true); !r.Resumed || r.Waiting {
		t.Fatalf("resume = %+v", r)
	}
	guest.signal().waitEvent(ctx, FrameOffer, 0, nil) // the ICE restart's down offer, on the new connection
	if again, err := e.room(in.ID).Participant(guest.pid); err != nil || again != part {
		t.Fatalf("resumed participant = %p, %v; want the same %p", again, err, part)
	}
	before := guest.received(host.pid, SourceCamera)
	eventually(ctx, t, "media after the resume", func() bool { return guest.received(host.pid, SourceCamera) > before+10 })
	if n := host.ws.count(FrameLeft); n != 0 {
		t.Fatalf("the host saw %d leaves during a resume", n)
	}

	// This time the guest does not come back.
	guest.signal().drop()
	_, _ = host.ws.waitEvent(ctx, FrameLeft, 0, func(d json.RawMessage) bool {
		var ev ParticipantEvent
		return json.Unmarshal(d, &ev) == nil && ev.Participant == guest.pid && ev.Reason == "left"
	})

	// Coming back too late: nothing to resume, and nothing happens until
	// the client joins afresh (still admitted).
	late := e.dial(pat, nil)
	var r JoinReply
	late.ok(ctx, FrameJoin, JoinFrame{Room: in.ID, Resume: true}, &r)
	if r.Resumed || r.Waiting {
		t.Fatalf("late resume = %+v, want neither resumed nor waiting", r)
	}
	if n := e.sfu.Stats().Participants; n != 1 {
		t.Fatalf("%d participants after a late resume, want the host alone", n)
	}
	late.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, &r)
	if r.Waiting {
		t.Fatal("an admitted guest rejoining waits")
	}
	if n := e.sfu.Stats().Participants; n != 2 {
		t.Fatalf("%d participants after rejoining, want 2", n)
	}
}

// FuzzDecodeJoinFrame: the join decoder never panics and what it accepts
// names a valid room.
func FuzzDecodeJoinFrame(f *testing.F) {
	for _, s := range []string{`{"room":"vabc","resume":true}`, `{"room":""}`, `{}`, `null`, `{"room":"a b"}`, `{"room":"x"} {}`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := DecodeJoinFrame(data)
		if err == nil && checkID("room", j.Room) != nil {
			t.Fatalf("accepted room %q", j.Room)
		}
	})
}

// stubVisits admits the visit's patient and clinician, or refuses with err.
type stubVisits struct {
	appt, patient, clinician int64
	err                      error
}

func (v *stubVisits) VideoRoom(_ context.Context, actor account.Actor, id int64) (visits.Room, error) {
	switch {
	case v.err != nil:
		return visits.Room{}, v.err
	case id != v.appt || (actor.UserID != v.patient && actor.UserID != v.clinician):
		return visits.Room{}, account.ErrForbidden
	}
	return visits.Room{ID: visits.SessionRoom(id), AppointmentID: id, PatientID: v.patient, ClinicianID: v.clinician,
		Host: actor.UserID == v.clinician}, nil
}

// TestVisitSession: a video visit has one open session, shared by its
// patient and clinician (who hosts); the visits package's refusals (the
// waiting room not open yet) reach the caller as they are.
func TestVisitSession(t *testing.T) {
	ctx := mediaTest(t, 60*time.Second)
	v := &stubVisits{}
	e := newHubEnv(t, ctx, SessionsOptions{Visits: v})
	clin := e.user(account.RoleClinician)
	pat := e.user(account.RolePatient, clin.UserID)
	v.patient, v.clinician = pat.UserID, clin.UserID
	err := e.pool.QueryRow(ctx, `WITH t AS (INSERT INTO visit_types (clinician_id, name, minutes, modality)
			VALUES ($1, 'Therapy', 50, 'video') RETURNING id)
		INSERT INTO visit_appointments (patient_id, clinician_id, visit_type_id, during, zone, modality, status, created_by, created_at, updated_at)
		SELECT $2, $1, t.id, tstzrange(now(), now() + interval '50 minutes'), 'UTC', 'video', 'booked', $2, now(), now() FROM t
		RETURNING id`, clin.UserID, pat.UserID).Scan(&v.appt)
	if err != nil {
		t.Fatal(err)
	}

	mine, err := e.s.ForVisit(ctx, pat, v.appt)
	if err != nil || mine.Role != RoleGuest || mine.Kind != KindVisit || mine.AppointmentID != v.appt {
		t.Fatalf("patient's session = %+v, %v", mine, err)
	}
	theirs, err := e.s.ForVisit(ctx, clin, v.appt)
	if err != nil || theirs.ID != mine.ID || theirs.Role != RoleHost {
		t.Fatalf("clinician's session = %+v, %v; want %s as host", theirs, err, mine.ID)
	}
	guest := e.dial(pat, nil)
	var r JoinReply
	guest.ok(ctx, FrameJoin, JoinFrame{Room: mine.ID}, &r)
	if !r.Waiting || r.Role != RoleGuest {
		t.Fatalf("patient join = %+v, want waiting", r)
	}
	host := e.dial(clin, nil)
	host.ok(ctx, FrameJoin, JoinFrame{Room: mine.ID}, &r)
	if r.Role != RoleHost {
		t.Fatalf("clinician join = %+v", r)
	}
	host.waitEvent(ctx, FrameWaitingList, 0, waitingIs(participantID(pat.UserID)))

	v.err = visits.ErrRoomNotOpen
	if _, err := e.s.ForVisit(ctx, pat, v.appt); !errors.Is(err, visits.ErrRoomNotOpen) {
		t.Fatalf("before the waiting room opens: %v", err)
	}
	if code := e.dial(pat, nil).refused(ctx, FrameJoin, JoinFrame{Room: mine.ID}); code != "conflict" {
		t.Fatalf("joining outside the visit's window: %s, want conflict", code)
	}
}
