package chat

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestSendDeliverHistory: a patient's message is acknowledged with seq 1
// after commit, delivered in plaintext to both participants, listed in
// history, and audited (one chat.send, one chat.read per history page).
func TestSendDeliverHistory(t *testing.T) {
	checkGoroutines(t)
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	p, c := e.user("patient"), e.user("clinician")
	e.careTeam(p, c)
	conv, err := e.nodes[0].chat.OpenDirect(ctx, patientActor(p), p, c)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.nodes[0].chat.OpenDirect(ctx, staffActor(c), p, c)
	if err != nil || again != conv {
		t.Fatalf("OpenDirect again = %d, %v; want %d", again, err, conv)
	}
	pk, ck := newCollector(), newCollector()
	pc := mustDial(t, e.nodes[0], p, "patient", pk.add)
	cc := mustDial(t, e.nodes[0], c, "clinician", ck.add)
	for _, x := range []*tconn{pc, cc} {
		if err := x.hello(nil); err != nil {
			t.Fatal(err)
		}
	}
	before := time.Now().Add(-time.Minute)
	sent, err := pc.sendMsg(conv, "c-1", "hello, I had a rough night")
	if err != nil {
		t.Fatal(err)
	}
	if sent.Seq != 1 || sent.Conversation != conv || sent.Duplicate || sent.At.Before(before) {
		t.Fatalf("ack = %+v", sent)
	}
	for _, k := range []*collector{pk, ck} {
		f := k.waitFor(t, EventMessage, nil)
		var m Message
		if err := json.Unmarshal(f.Data, &m); err != nil {
			t.Fatal(err)
		}
		if m.Body != "hello, I had a rough night" || m.Seq != 1 || m.Sender != p || m.ClientID != "c-1" {
			t.Errorf("delivered %+v", m)
		}
	}
	var page Page
	cc.mustRequest(FrameHistory, map[string]any{"conversation": conv}, &page)
	if len(page.Messages) != 1 || page.Messages[0].Body != "hello, I had a rough night" || page.More {
		t.Errorf("history = %+v", page)
	}
	if n := e.auditCount(t, "chat.send", conv); n != 1 {
		t.Errorf("chat.send audit rows = %d, want 1", n)
	}
	if n := e.auditCount(t, "chat.read", conv); n != 1 {
		t.Errorf("chat.read audit rows = %d, want 1", n)
	}
}

// auditCount counts ok audit rows of action on conversation conv.
func (e *env) auditCount(t testing.TB, action string, conv int64) int {
	t.Helper()
	var n int
	err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1 AND target = $2 AND outcome = 'ok'`,
		action, conversationTarget(conv)).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// testSendRejectsBadInput: the body and client id limits answer clear
// errors and store nothing.
func testSendRejectsBadInput(t *testing.T, e *env) {
	ctx := context.Background()
	p, c := e.user("patient"), e.user("clinician")
	e.careTeam(p, c)
	conv, err := e.nodes[0].chat.OpenDirect(ctx, patientActor(p), p, c)
	if err != nil {
		t.Fatal(err)
	}
	pc := mustDial(t, e.nodes[0], p, "patient", nil)
	if err := pc.hello(nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, client, body, want string
	}{
		{"empty", "a", "  \n\t ", "invalid: message is empty"},
		{"too long", "b", strings.Repeat("é", MaxBodyChars+1), "too_large: message is longer than 4000 characters"},
		{"control", "c", "bell\x07", "invalid: message is not valid UTF-8 text"},
		{"bad client id", "has space", "hi", "invalid: client_id must be"},
		{"no client id", "", "hi", "invalid: client_id must be"},
	}
	for _, tc := range cases {
		_, err := pc.sendMsg(conv, tc.client, tc.body)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := pc.sendMsg(conv, "ok", strings.Repeat("é", MaxBodyChars)); err != nil {
		t.Errorf("a body of exactly %d characters: %v", MaxBodyChars, err)
	}
	var n int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM chat_messages WHERE conversation_id = $1`, conv).Scan(&n); err != nil || n != 1 {
		t.Errorf("stored %d messages (%v), want 1", n, err)
	}
}
