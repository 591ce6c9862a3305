package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"haven/signaling"
)

// TestFeatures runs the feature tests on one shared deployment (one
// database), each with its own patient and care team.
func TestFeatures(t *testing.T) {
	notes, risk := &fakeNotifier{}, &fakeRisk{}
	e := newEnv(t, envOptions{notify: notes, risk: risk, chat: Config{
		ReplyExpectation: 4 * time.Hour, TypingInterval: time.Hour, MaxReplay: 4, AccessTTL: time.Millisecond}})
	e.notes, e.risk = notes, risk
	for name, fn := range map[string]func(*testing.T, *env){
		"SendRejectsBadInput":       testSendRejectsBadInput,
		"InboxAndAssign":            testInboxAndAssign,
		"ReceiptsTypingList":        testReceiptsTypingList,
		"ResumeReplaysAndAnnounces": testResumeReplaysAndAnnounces,
		"NotifyAndScreen":           testNotifyAndScreen,
		"CrisisConversation":        testCrisisConversation,
		"SyncCareTeam":              testSyncCareTeam,
		"Attachments":               testAttachments,
		"AttachmentHTTP":            testAttachmentHTTP,
		"SendAfterClose":            testSendAfterClose,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, e)
		})
	}
}

// testInboxAndAssign: a patient's unanswered message puts the conversation
// in the inbox of its staff, oldest first; a staff reply takes it out; a
// team member claims it and the staff are told; bad assignees and patients
// are refused.
func testInboxAndAssign(t *testing.T, e *env) {
	ctx := context.Background()
	cl := e.newClinic(t, 2)
	svc := e.nodes[0].chat
	p, a, b := patientActor(cl.patient), staffActor(cl.clinicians[0]), staffActor(cl.clinicians[1])
	send := func(who Actor, conv int64, id string) {
		t.Helper()
		if _, err := svc.Send(ctx, who, SendRequest{Conversation: conv, ClientID: id, Body: "text"}); err != nil {
			t.Fatal(err)
		}
	}
	send(p, cl.direct[a.UserID], "1")
	send(p, cl.team, "2")
	send(p, cl.team, "3") // still waiting since the first
	inbox := func(who Actor) []int64 {
		t.Helper()
		items, err := svc.Inbox(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for i, it := range items {
			out = append(out, it.Conversation)
			if i > 0 && it.AwaitingSince.Before(items[i-1].AwaitingSince) {
				t.Errorf("inbox not oldest first: %+v", items)
			}
		}
		return out
	}
	if got := inbox(a); fmt.Sprint(got) != fmt.Sprint([]int64{cl.direct[a.UserID], cl.team}) {
		t.Errorf("a's inbox = %v", got)
	}
	if got := inbox(b); fmt.Sprint(got) != fmt.Sprint([]int64{cl.team}) {
		t.Errorf("b's inbox = %v", got)
	}
	bk := newCollector()
	bc := mustDial(t, e.nodes[0], b.UserID, "clinician", bk.add)
	if err := bc.hello(nil); err != nil {
		t.Fatal(err)
	}
	bc.mustRequest(FrameAssign, map[string]any{"conversation": cl.team, "user": b.UserID}, nil) // claim
	f := bk.waitFor(t, EventAssigned, nil)
	var as Assignment
	if err := json.Unmarshal(f.Data, &as); err != nil || as.Assignee != b.UserID || as.Conversation != cl.team {
		t.Errorf("assigned event %s", f.Data)
	}
	var items struct{ Items []InboxItem }
	bc.mustRequest(FrameInbox, nil, &items)
	if len(items.Items) != 1 || items.Items[0].Assignee != b.UserID {
		t.Errorf("inbox after claim = %+v", items)
	}
	if err := svc.Assign(ctx, a, cl.team, cl.patient); !errors.Is(err, ErrBadAssignee) {
		t.Errorf("assigning the patient = %v", err)
	}
	if err := svc.Assign(ctx, p, cl.team, a.UserID); !errors.Is(err, ErrNotStaff) {
		t.Errorf("patient assigning = %v", err)
	}
	if _, err := svc.Inbox(ctx, p); !errors.Is(err, ErrNotStaff) {
		t.Errorf("patient inbox = %v", err)
	}
	send(b, cl.team, "4") // staff replied
	if got := inbox(a); fmt.Sprint(got) != fmt.Sprint([]int64{cl.direct[a.UserID]}) {
		t.Errorf("a's inbox after b replied = %v", got)
	}
}

// testReceiptsTypingList: read receipts reach the other participants and
// move unread counts; typing is ephemeral and rate limited; the patient's
// list carries the reply expectation.
func testReceiptsTypingList(t *testing.T, e *env) {
	cl := e.newClinic(t, 1)
	conv := cl.direct[cl.clinicians[0]]
	pk, ck := newCollector(), newCollector()
	pc := mustDial(t, e.nodes[0], cl.patient, "patient", pk.add)
	cc := mustDial(t, e.nodes[0], cl.clinicians[0], "clinician", ck.add)
	for _, c := range []*tconn{pc, cc} {
		if err := c.hello(nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if _, err := pc.sendMsg(conv, fmt.Sprint("m", i), "hello"); err != nil {
			t.Fatal(err)
		}
	}
	var list Conversations
	cc.mustRequest(FrameConversations, nil, &list)
	unread := func(l Conversations) int64 {
		for _, s := range l.Conversations {
			if s.Conversation == conv {
				return s.Unread
			}
		}
		return -1
	}
	if u := unread(list); u != 3 || list.ReplyExpectationS != 0 {
		t.Errorf("clinician's list: unread %d, expectation %d", u, list.ReplyExpectationS)
	}
	cc.mustRequest(FrameRead, map[string]any{"conversation": conv, "seq": 2}, nil)
	f := pk.waitFor(t, EventReceipt, nil)
	var r Receipt
	if err := json.Unmarshal(f.Data, &r); err != nil || r != (Receipt{Conversation: conv, User: cl.clinicians[0], Seq: 2}) {
		t.Errorf("receipt %s", f.Data)
	}
	cc.mustRequest(FrameRead, map[string]any{"conversation": conv, "seq": 1}, nil) // never moves back
	cc.mustRequest(FrameConversations, nil, &list)
	if u := unread(list); u != 1 {
		t.Errorf("unread after reading to 2 = %d", u)
	}
	cc.mustRequest(FrameRead, map[string]any{"conversation": conv, "seq": 99}, nil) // stops at the last
	cc.mustRequest(FrameConversations, nil, &list)
	if u := unread(list); u != 0 {
		t.Errorf("unread after reading all = %d", u)
	}
	var plist Conversations
	pc.mustRequest(FrameConversations, nil, &plist)
	if plist.ReplyExpectationS != 4*3600 || len(plist.Conversations) != 2 || unread(plist) != 0 {
		t.Errorf("patient's list = %+v", plist)
	}
	for range 3 {
		cc.mustRequest(FrameTyping, map[string]any{"conversation": conv}, nil)
	}
	pk.waitFor(t, EventTyping, nil)
	pc.mustRequest(FrameConversations, nil, nil)
	if n := pk.count(EventTyping); n != 1 {
		t.Errorf("%d typing notices delivered, want 1 (rate limited)", n)
	}
	if n := ck.count(EventTyping); n != 0 {
		t.Errorf("the typist got %d of their own typing notices", n)
	}
}

// testResumeReplaysAndAnnounces: a client resuming gets exactly what it
// missed of the conversations it lists, then chat.resume announcing every
// conversation (History set for those not listed or too far behind), then
// live messages; one chat.read audit row per replayed conversation.
func testResumeReplaysAndAnnounces(t *testing.T, e *env) {
	ctx := context.Background()
	cl := e.newClinic(t, 2)
	svc := e.nodes[0].chat
	c0 := cl.clinicians[0]
	direct := cl.direct[c0]
	for i := range 5 {
		for _, conv := range []int64{direct, cl.team} {
			if _, err := svc.Send(ctx, patientActor(cl.patient), SendRequest{Conversation: conv, ClientID: fmt.Sprint("m", i), Body: fmt.Sprint("text ", i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var mu sync.Mutex
	var order []string
	k := newCollector()
	c := mustDial(t, e.nodes[0], c0, "clinician", func(f signaling.Frame) {
		mu.Lock()
		var m Message
		_ = json.Unmarshal(f.Data, &m)
		order = append(order, fmt.Sprintf("%s %d/%d", f.Type, m.Conversation, m.Seq))
		mu.Unlock()
		k.add(f)
	})
	if err := c.hello(map[int64]int64{direct: 2, cl.team: 0}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	want := []string{
		fmt.Sprintf("chat.message %d/3", direct), fmt.Sprintf("chat.message %d/4", direct), fmt.Sprintf("chat.message %d/5", direct),
		"chat.resume 0/0",
	}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("before welcome: %v\nwant %v", order, want)
	}
	mu.Unlock()
	var r struct{ Conversations []ResumeEntry }
	if err := json.Unmarshal(k.waitFor(t, EventResume, nil).Data, &r); err != nil {
		t.Fatal(err)
	}
	got := map[int64]ResumeEntry{}
	for _, e := range r.Conversations {
		got[e.Conversation] = e
	}
	if e := got[direct]; e.LastSeq != 5 || e.Replayed != 3 || e.History || e.Unread != 5 {
		t.Errorf("direct entry %+v", e)
	}
	if e := got[cl.team]; e.LastSeq != 5 || e.Replayed != 0 || !e.History { // 5 behind > MaxReplay
		t.Errorf("team entry %+v", e)
	}
	if len(got) != 2 {
		t.Errorf("entries %+v", r.Conversations)
	}
	if n := e.auditCount(t, "chat.read", direct); n != 1 {
		t.Errorf("%d chat.read rows for the resume, want 1", n)
	}
	if _, err := svc.Send(ctx, patientActor(cl.patient), SendRequest{Conversation: direct, ClientID: "live", Body: "live"}); err != nil {
		t.Fatal(err)
	}
	k.waitFor(t, EventMessage, func(d json.RawMessage) bool {
		var m Message
		return json.Unmarshal(d, &m) == nil && m.Seq == 6 && m.Body == "live"
	})
	// A malformed resume is refused; the client may say hello again.
	if _, err := c.request("hello", map[string]any{"protocol": 1, "chat": map[string]any{"resume": map[string]any{"x": 1}}}); err == nil {
		t.Error("malformed resume accepted")
	}
}

// testNotifyAndScreen: recipients who are offline get a content-free push
// (online ones and the sender none); reading withdraws it; the patient's
// new messages (not duplicates, not staff messages) are screened.
func testNotifyAndScreen(t *testing.T, e *env) {
	notes, risk := e.notes, e.risk
	cl := e.newClinic(t, 2)
	online, offline := cl.clinicians[0], cl.clinicians[1]
	oc := mustDial(t, e.nodes[0], online, "clinician", nil)
	if err := oc.hello(nil); err != nil {
		t.Fatal(err)
	}
	pc := mustDial(t, e.nodes[0], cl.patient, "patient", nil)
	if err := pc.hello(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.sendMsg(cl.team, "a", "I feel hopeless"); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.sendMsg(cl.team, "a", "I feel hopeless"); err != nil { // duplicate
		t.Fatal(err)
	}
	if _, err := oc.sendMsg(cl.team, "b", "staff text"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "a push to the offline clinician", func() bool { return notes.has(fmt.Sprintf("notify %d %d", offline, cl.team)) })
	time.Sleep(50 * time.Millisecond)
	if notes.has(fmt.Sprintf("notify %d %d", online, cl.team)) {
		t.Error("online clinician notified")
	}
	pc.mustRequest(FrameRead, map[string]any{"conversation": cl.team, "seq": 2}, nil)
	if !notes.has(fmt.Sprintf("read %d %d", cl.patient, cl.team)) {
		t.Error("reading did not withdraw the notification")
	}
	// Screening runs after the commit, in order: once the last patient
	// message is screened, everything before it has been.
	if _, err := pc.sendMsg(cl.team, "c", "last"); err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprintf("%d %d 1 I feel hopeless", cl.patient, cl.team), fmt.Sprintf("%d %d 3 last", cl.patient, cl.team)}
	mine := func() []string { // the risk screen is shared with other tests
		risk.mu.Lock()
		defer risk.mu.Unlock()
		var out []string
		for _, s := range risk.seen {
			if strings.HasPrefix(s, fmt.Sprintf("%d %d ", cl.patient, cl.team)) {
				out = append(out, s)
			}
		}
		return out
	}
	waitUntil(t, "the screen", func() bool { return len(mine()) >= 2 })
	if got := mine(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("screened %q, want %q", got, want)
	}
}

// testCrisisConversation: OpenCrisis is idempotent per escalation; the
// counselor holding a grant chats with the patient; EndCrisis removes the
// counselor, and the patient keeps the conversation.
func testCrisisConversation(t *testing.T, e *env) {
	ctx := context.Background()
	svc := e.nodes[0].chat
	p, co := e.user("patient"), e.user("counselor")
	if _, err := e.pool.Exec(ctx, `INSERT INTO access_grants (user_id, patient_id, kind, ref, created_at, until)
		VALUES ($1, $2, 'crisis', '7', now(), now() + interval '1 hour')`, co, p); err != nil {
		t.Fatal(err)
	}
	ref, err := svc.OpenCrisis(ctx, 7, p, co)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.OpenCrisis(ctx, 7, p, co)
	if err != nil || again != ref {
		t.Fatalf("OpenCrisis again = %q, %v; want %q", again, err, ref)
	}
	var conv int64
	fmt.Sscan(ref, &conv)
	counselor := Actor{UserID: co, Role: "counselor"}
	// Both sides' lists name the escalation the conversation belongs to.
	for _, who := range []Actor{counselor, patientActor(p)} {
		list, err := svc.List(ctx, who)
		if err != nil || len(list.Conversations) != 1 || list.Conversations[0].Escalation != 7 || list.Conversations[0].Kind != "crisis" {
			t.Fatalf("%s's list = %+v, %v; want the crisis conversation of escalation 7", who.Role, list, err)
		}
	}
	if _, err := svc.Send(ctx, counselor, SendRequest{Conversation: conv, ClientID: "c1", Body: "I'm here with you"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Send(ctx, patientActor(p), SendRequest{Conversation: conv, ClientID: "p1", Body: "thank you"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.EndCrisis(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.History(ctx, counselor, conv, 0, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("counselor history after the crisis = %v", err)
	}
	page, err := svc.History(ctx, patientActor(p), conv, 0, 0)
	if err != nil || len(page.Messages) != 2 {
		t.Errorf("patient history = %+v, %v", page, err)
	}
	if items, err := svc.Inbox(ctx, counselor); err != nil || len(items) != 0 {
		t.Errorf("crisis conversations in an inbox: %+v, %v", items, err)
	}
}

// testSyncCareTeam: a clinician added to the care team joins the team
// conversation; one removed leaves it and their direct conversation, and
// is told.
func testSyncCareTeam(t *testing.T, e *env) {
	ctx := context.Background()
	cl := e.newClinic(t, 1)
	svc := e.nodes[0].chat
	old := cl.clinicians[0]
	ok := newCollector()
	oc := mustDial(t, e.nodes[0], old, "clinician", ok.add)
	if err := oc.hello(nil); err != nil {
		t.Fatal(err)
	}
	newc := e.user("clinician")
	e.careTeam(cl.patient, newc)
	if _, err := e.pool.Exec(ctx, `DELETE FROM care_team_members WHERE clinician_id = $1`, old); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncCareTeam(ctx, cl.patient); err != nil {
		t.Fatal(err)
	}
	ok.waitFor(t, EventConversation, func(d json.RawMessage) bool {
		var ev ConversationEvent
		return json.Unmarshal(d, &ev) == nil && ev.Left && ev.Conversation == cl.team
	})
	list, err := svc.List(ctx, staffActor(old))
	if err != nil || len(list.Conversations) != 0 {
		t.Errorf("former member's list = %+v, %v", list, err)
	}
	list, err = svc.List(ctx, staffActor(newc))
	if err != nil || len(list.Conversations) != 1 || list.Conversations[0].Conversation != cl.team {
		t.Errorf("new member's list = %+v, %v", list, err)
	}
}

// testSendAfterClose: a closed service refuses sends (on a node of its
// own, sharing the database).
func testSendAfterClose(t *testing.T, e *env) {
	cl := e.newClinic(t, 1)
	n := e.startNode(t, envOptions{}, nil)
	if err := n.chat.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := n.chat.Send(context.Background(), patientActor(cl.patient), SendRequest{Conversation: cl.team, ClientID: "x", Body: "y"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close = %v", err)
	}
}
