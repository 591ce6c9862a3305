package chat

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestRacingDuplicateSends: many connections of one user send the same
// client id at once, round after round (so racers meet both in one
// transaction and in successive ones): one message is stored per client id
// and every racer gets its seq back; a later retry is marked Duplicate and
// returns the original even with another body.
func TestRacingDuplicateSends(t *testing.T) {
	checkGoroutines(t)
	e := newEnv(t, envOptions{})
	cl := e.newClinic(t, 1)
	const racers, rounds = 8, 12
	conns := make([]*tconn, racers)
	for i := range conns {
		conns[i] = mustDial(t, e.nodes[0], cl.patient, "patient", nil)
		if err := conns[i].hello(nil); err != nil {
			t.Fatal(err)
		}
	}
	svc := e.nodes[0].chat
	for r := range rounds {
		id := fmt.Sprintf("dup-%d", r)
		seqs := make([]int64, racers+2)
		var wg sync.WaitGroup
		for i := range racers + 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf("attempt %d", i)
				var s Sent
				var err error
				if i < racers {
					s, err = conns[i].sendMsg(cl.team, id, body)
				} else { // the Go API races too
					s, err = svc.Send(context.Background(), patientActor(cl.patient), SendRequest{Conversation: cl.team, ClientID: id, Body: body})
				}
				if err != nil {
					t.Errorf("racer %d: %v", i, err)
					return
				}
				seqs[i] = s.Seq
			}()
		}
		wg.Wait()
		for i, s := range seqs {
			if s != seqs[0] || s == 0 {
				t.Fatalf("round %d: racer %d got seq %d, racer 0 got %d", r, i, s, seqs[0])
			}
		}
		if seqs[0] != int64(r+1) {
			t.Errorf("round %d stored as seq %d, want %d (no gap)", r, seqs[0], r+1)
		}
	}
	again, err := conns[0].sendMsg(cl.team, "dup-3", "a different body")
	if err != nil || !again.Duplicate || again.Seq != 4 {
		t.Errorf("retry = %+v, %v; want duplicate of seq 4", again, err)
	}
	var n int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM chat_messages WHERE conversation_id = $1`, cl.team).Scan(&n); err != nil || n != rounds {
		t.Errorf("%d messages stored (%v), want %d", n, err, rounds)
	}
	page, err := svc.History(context.Background(), patientActor(cl.patient), cl.team, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if page.Messages[3].Body == "a different body" {
		t.Error("a retry replaced the stored body")
	}
	// The same client id is another message for another sender or another
	// conversation.
	other, err := svc.Send(context.Background(), staffActor(cl.clinicians[0]), SendRequest{Conversation: cl.team, ClientID: "dup-0", Body: "x"})
	if err != nil || other.Duplicate || other.Seq != rounds+1 {
		t.Errorf("another sender's dup-0 = %+v, %v", other, err)
	}
	elsewhere, err := svc.Send(context.Background(), patientActor(cl.patient), SendRequest{Conversation: cl.direct[cl.clinicians[0]], ClientID: "dup-0", Body: "x"})
	if err != nil || elsewhere.Duplicate || elsewhere.Seq != 1 {
		t.Errorf("dup-0 in another conversation = %+v, %v", elsewhere, err)
	}
}
