package main

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"haven/signaling/wsclient"
)

// TestRiskLanguageInAMessageRaisesAnEscalation: through `portal serve`, a
// patient's chat message with risk language raises a crisis escalation
// from the message (the node's risk screen runs crisis's detector after the
// commit): the on-call counselor's socket is offered it, and the patient's
// own request reads open. An everyday message raises nothing.
func TestRiskLanguageInAMessageRaisesAnEscalation(t *testing.T) {
	env, srv, patient, patientID := servePatient(t, "risk-pat@example.org")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	counselor, _ := cnCounselor(t, env, srv, "rita@clinic.example", "Rita Counselor")
	counselor.want("PUT", "/api/crisis/oncall", map[string]string{"switch": "on"}, http.StatusOK, nil)
	counselorWS, patientWS := counselor.dial(ctx), patient.dial(ctx)

	opened := patientWS.request(ctx, "chat.open", map[string]any{"kind": "team", "patient": patientID})
	conv := cnInt(t, opened.Data, "conversation")
	send := func(clientID, body string) int64 {
		ok := patientWS.request(ctx, "chat.send", map[string]any{"conversation": conv, "client_id": clientID, "body": body})
		return cnInt(t, ok.Data, "seq")
	}

	send("everyday-1", "This homework is killing me, can we move Thursday?")
	var mine cnRequest
	patient.want("GET", "/api/crisis/mine", nil, http.StatusOK, &mine)
	// The idiom may raise low severity at most; either way it must not be
	// taken for the risky message below, which is checked by its trigger.
	seq := send("risky-1", "I don't want to be here anymore. I have the pills saved up and I'm going to take them tonight.")

	offer := counselorWS.await(ctx, "crisis.offer after the risky message", func(f wsclient.Frame) bool { return f.Type == "crisis.offer" })
	id := cnInt(t, offer.Data, "escalation_id")
	patient.want("GET", "/api/crisis/mine", nil, http.StatusOK, &mine)
	if !mine.Open || mine.EscalationID != id {
		t.Fatalf("after the risky message /api/crisis/mine = %+v, want escalation %d open", mine, id)
	}
	patientWS.await(ctx, "crisis.status for the patient", cnEscalation("crisis.status", id))

	var queue struct {
		Items []struct {
			ID         int64  `json:"id"`
			Source     string `json:"source"`
			Severity   string `json:"severity"`
			TriggerRef string `json:"trigger_ref"`
		} `json:"items"`
	}
	counselor.want("GET", "/api/crisis/queue", nil, http.StatusOK, &queue)
	ref := "message:" + strconv.FormatInt(conv, 10) + ":" + strconv.FormatInt(seq, 10)
	if len(queue.Items) != 1 || queue.Items[0].ID != id {
		t.Fatalf("queue = %+v, want escalation %d alone", queue.Items, id)
	}
	if e := queue.Items[0]; e.Source != "message" || e.Severity != "high" || e.TriggerRef != ref {
		t.Fatalf("escalation = %+v, want source message, severity high, trigger %s", e, ref)
	}
}
