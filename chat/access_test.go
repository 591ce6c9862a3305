package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// TestNonParticipantSeesNothing: a clinician of the care team who is not in
// a direct conversation, a clinician of another team, another patient, a
// counselor without a grant and a clinician who left the care team can
// neither read, send to, nor learn of the conversation: every frame gets
// the very answer an unknown id gets, nothing is listed, resumed or
// delivered to them, and the refusals are audited.
func TestNonParticipantSeesNothing(t *testing.T) {
	checkGoroutines(t)
	e := newEnv(t, envOptions{chat: Config{AccessTTL: time.Millisecond}})
	ctx := context.Background()
	cl := e.newClinic(t, 3)
	a, b, leaver := cl.clinicians[0], cl.clinicians[1], cl.clinicians[2]
	target := cl.direct[a]
	svc := e.nodes[0].chat
	pngID, err := svc.Upload(ctx, patientActor(cl.patient), target, bytes.NewReader(testPNG))
	if err != nil {
		t.Fatal(err)
	}
	// The leaver had the conversation open, then left the care team.
	if _, err := svc.OpenDirect(ctx, staffActor(leaver), cl.patient, leaver); err != nil {
		t.Fatal(err)
	}
	leaverConv := cl.direct[leaver]
	if _, err := e.pool.Exec(ctx, `DELETE FROM care_team_members WHERE clinician_id = $1`, leaver); err != nil {
		t.Fatal(err)
	}
	outsiders := []struct {
		name   string
		id     int64
		role   string
		target int64
	}{
		{"care team, not a participant", b, "clinician", target},
		{"another team's clinician", e.user("clinician"), "clinician", target},
		{"another patient", e.user("patient"), "patient", target},
		{"counselor without grant", e.user("counselor"), "counselor", target},
		{"left the care team", leaver, "clinician", leaverConv},
	}
	unknown := target + 1000
	pk := newCollector()
	pc := mustDial(t, e.nodes[0], cl.patient, "patient", pk.add)
	if err := pc.hello(nil); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		o *collector
		c *tconn
	}
	var watchers []seen
	for _, o := range outsiders {
		k := newCollector()
		c := mustDial(t, e.nodes[0], o.id, o.role, k.add)
		if err := c.hello(map[int64]int64{o.target: 0, unknown: 0}); err != nil {
			t.Fatal(err)
		}
		watchers = append(watchers, seen{k, c})
	}
	answer := func(c *tconn, typ string, data map[string]any) string {
		_, err := c.request(typ, data)
		if err == nil {
			return "ok"
		}
		return err.Error()
	}
	frames := []struct {
		typ  string
		data func(conv int64) map[string]any
	}{
		{FrameSend, func(c int64) map[string]any { return map[string]any{"conversation": c, "client_id": "x", "body": "hi"} }},
		{FrameHistory, func(c int64) map[string]any { return map[string]any{"conversation": c} }},
		{FrameRead, func(c int64) map[string]any { return map[string]any{"conversation": c, "seq": 1} }},
		{FrameTyping, func(c int64) map[string]any { return map[string]any{"conversation": c} }},
		{FrameAssign, func(c int64) map[string]any { return map[string]any{"conversation": c, "user": 0} }},
	}
	for i, o := range outsiders {
		c := watchers[i].c
		for _, f := range frames {
			got, want := answer(c, f.typ, f.data(o.target)), answer(c, f.typ, f.data(unknown+int64(i)))
			if got != want || want == "ok" {
				t.Errorf("%s: %s on the conversation answered %q, on an unknown id %q", o.name, f.typ, got, want)
			}
		}
		var list Conversations
		c.mustRequest(FrameConversations, nil, &list)
		for _, s := range list.Conversations {
			if s.Conversation == o.target {
				t.Errorf("%s: conversation listed", o.name)
			}
		}
		actor := Actor{UserID: o.id, Role: o.role}
		if _, err := svc.Upload(ctx, actor, o.target, bytes.NewReader(testPNG)); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: upload = %v", o.name, err)
		}
		if _, _, err := svc.Download(ctx, actor, pngID); !errors.Is(err, ErrAttachmentNotFound) {
			t.Errorf("%s: download = %v", o.name, err)
		}
	}
	// Live traffic of the conversation reaches none of them.
	for _, conv := range []int64{target, leaverConv} {
		if _, err := pc.sendMsg(conv, "live", "are you there?"); err != nil {
			t.Fatal(err)
		}
		if err := pc.write(FrameTyping, "", map[string]any{"conversation": conv}); err != nil {
			t.Fatal(err)
		}
	}
	pk.waitFor(t, EventMessage, func(d json.RawMessage) bool { return bytes.Contains(d, []byte(`"conversation":`+itoa(leaverConv))) })
	for i, o := range outsiders {
		w := watchers[i]
		w.c.mustRequest(FrameConversations, nil, nil) // a round trip: earlier events have arrived
		w.o.mu.Lock()
		for _, f := range w.o.frames {
			if bytes.Contains(f.Data, []byte(`"conversation":`+itoa(o.target)+`,`)) ||
				bytes.Contains(f.Data, []byte(`"conversation":`+itoa(o.target)+`}`)) {
				t.Errorf("%s received %s %s", o.name, f.Type, f.Data)
			}
		}
		w.o.mu.Unlock()
	}
	var denied int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE outcome = 'denied' AND action LIKE 'chat.%'`).Scan(&denied); err != nil || denied < len(outsiders)*2 {
		t.Errorf("%d refusals audited (%v)", denied, err)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
