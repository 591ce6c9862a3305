package main

// Adapters between the packages' own small interfaces (each defined by its
// caller, as the house plan asks) and the services that fill them.

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/chat"
	"haven/crisis"
	"haven/crisis/detect"
	"haven/portal/account"
	"haven/portal/audit"
	"haven/portal/fault"
	"haven/portal/fhir"
	"haven/push"
	"haven/signaling"
)

// hubNotifier delivers crisis events to a user's connections through the hub.
type hubNotifier struct{ hub *signaling.Hub }

func (h hubNotifier) Publish(ctx context.Context, userID int64, ev crisis.HubEvent) error {
	return h.hub.Publish(ctx, userID, signaling.Event{Type: ev.Type, Data: ev.Data, Durable: ev.Durable})
}

// crisisAuditor writes crisis's audit entries to the audit log.
type crisisAuditor struct{}

func (crisisAuditor) Record(ctx context.Context, db crisis.Querier, e crisis.AuditEntry) error {
	role := ""
	if e.ActorID == 0 {
		role = "system"
	}
	return audit.Record(ctx, db, audit.Entry{ActorID: e.ActorID, ActorRole: role, Action: e.Action,
		PatientID: e.PatientID, Target: e.Target, Outcome: audit.OK})
}

// crisisPeople answers crisis's account questions.
type crisisPeople struct{ accounts *account.Service }

func (p crisisPeople) DisplayName(ctx context.Context, userID int64) (string, error) {
	a, err := p.accounts.Account(ctx, userID)
	return a.DisplayName, err
}

func (p crisisPeople) CareTeam(ctx context.Context, patientID int64) ([]int64, error) {
	members, err := p.accounts.CareTeam(ctx, patientID)
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.ClinicianID
	}
	return ids, err
}

// measuresEscalator raises a crisis escalation inside a questionnaire's
// submit transaction (PHQ-9 item 9 above 0, a high-risk C-SSRS).
type measuresEscalator struct{ crisis *crisis.Service }

func (m measuresEscalator) Raise(ctx context.Context, tx pgx.Tx, patientID int64, source, severity, ref string) error {
	sev, ok := detect.ParseSeverity(severity)
	if !ok {
		return fmt.Errorf("measures escalation: unknown severity %q", severity)
	}
	_, err := m.crisis.Raise(ctx, tx, crisis.RaiseRequest{PatientID: patientID, Severity: sev, Source: crisis.Source(source), TriggerRef: ref})
	return err
}

// pushReminders adapts push's local-time scheduling to the clinical
// packages, which pass instants and zones.
type pushReminders struct{ push *push.Service }

func (p pushReminders) ScheduleAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, appointmentID int64, start time.Time, zone string) error {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return err
	}
	return p.push.ScheduleAppointmentReminders(ctx, tx, userID, appointmentID, push.Local{Wall: start.In(loc), Zone: zone})
}

func (p pushReminders) CancelAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, appointmentID int64) error {
	return p.push.CancelAppointmentReminders(ctx, tx, userID, appointmentID)
}

func (p pushReminders) ScheduleQuestionnaireDue(ctx context.Context, tx pgx.Tx, userID, assignmentID int64, due time.Time) error {
	return p.push.ScheduleQuestionnaireDue(ctx, tx, userID, assignmentID, push.Local{Wall: due, Zone: due.Location().String()})
}

func (p pushReminders) CancelQuestionnaire(ctx context.Context, tx pgx.Tx, userID, assignmentID int64) error {
	return p.push.CancelQuestionnaire(ctx, tx, userID, assignmentID)
}

// hubNotices tells a user's open pages that something of theirs changed,
// by id only; the page fetches the details after sign-in. The clinical
// packages call it inside their transaction: a notice for work that then
// rolls back makes the page refetch and find nothing new.
type hubNotices struct{ hub *signaling.Hub }

func (h hubNotices) notice(ctx context.Context, userID int64, kind string, id int64) error {
	data, _ := json.Marshal(map[string]string{"id": strconv.FormatInt(id, 10)})
	return h.hub.Publish(ctx, userID, signaling.Event{Type: kind, Data: data, Durable: true})
}

func (h hubNotices) SlotOffered(ctx context.Context, _ pgx.Tx, patientID, offerID int64) error {
	return h.notice(ctx, patientID, "visits.offer", offerID)
}

func (h hubNotices) RefillRequested(ctx context.Context, _ pgx.Tx, prescriberID, refillID int64) error {
	return h.notice(ctx, prescriberID, "meds.refill_requested", refillID)
}

func (h hubNotices) RefillDecided(ctx context.Context, _ pgx.Tx, patientID, refillID int64) error {
	return h.notice(ctx, patientID, "meds.refill_decided", refillID)
}

// chatAccess adapts account's access policy to chat, which names actors by
// id and role.
type chatAccess struct{ accounts *account.Service }

func (a chatAccess) Authorize(ctx context.Context, userID int64, role string, patientID int64) error {
	return a.accounts.Authorize(ctx, account.Actor{UserID: userID, Role: account.Role(role)}, account.Write, patientID)
}

func (a chatAccess) CareTeam(ctx context.Context, patientID int64) ([]int64, error) {
	return crisisPeople(a).CareTeam(ctx, patientID)
}

// riskScreen runs crisis's detector over what patients write and raises an
// escalation, pointing at the message by conversation and sequence, when it
// finds risk language. It keeps and logs nothing of the text.
type riskScreen struct {
	detector *detect.Detector
	crisis   *crisis.Service // set once crisis is built, before any message
	log      *slog.Logger
}

func (r *riskScreen) PatientMessage(ctx context.Context, patientID, conversationID, seq int64, body string) {
	res := r.detector.Detect(body)
	if res.Severity == detect.None {
		return
	}
	ref := fmt.Sprintf("message:%d:%d", conversationID, seq)
	if _, err := r.crisis.RaiseAndOffer(ctx, crisis.RaiseRequest{PatientID: patientID, Severity: res.Severity,
		Source: crisis.SourceMessage, TriggerRef: ref}); err != nil {
		r.log.Error("crisis: raise from a message failed", "conversation", conversationID, "seq", seq, "rule", res.Ref(), "err", err)
	}
}

// fhirMessages gives FHIR the metadata of a patient's conversations, and
// their bodies, through chat's own access checks and audit.
type fhirMessages struct {
	chat     *chat.Service
	accounts *account.Service
}

func (m fhirMessages) Conversations(ctx context.Context, actor account.Actor, patientID int64) ([]fhir.CommunicationMeta, error) {
	if err := m.accounts.Authorize(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	list, err := m.chat.List(ctx, chat.Actor{UserID: actor.UserID, Role: string(actor.Role)})
	if err != nil {
		return nil, err
	}
	var out []fhir.CommunicationMeta
	for _, c := range list.Conversations {
		if c.Patient != patientID {
			continue
		}
		meta := fhir.CommunicationMeta{ConversationID: c.Conversation, Kind: c.Kind, PatientID: c.Patient, MessageCount: c.LastSeq}
		if c.LastMessageAt != nil {
			meta.LastSentAt = *c.LastMessageAt
		}
		for _, p := range c.Participants {
			meta.Participants = append(meta.Participants, fhir.Participant{UserID: p.User, Patient: p.Role == "patient"})
		}
		out = append(out, meta)
	}
	return out, nil
}

func (m fhirMessages) Bodies(ctx context.Context, actor account.Actor, patientID, conversationID int64) ([]fhir.MessageBody, error) {
	convs, err := m.Conversations(ctx, actor, patientID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(convs, func(c fhir.CommunicationMeta) bool { return c.ConversationID == conversationID }) {
		return nil, fault.New(fault.NotFound, "no such conversation")
	}
	who := chat.Actor{UserID: actor.UserID, Role: string(actor.Role)}
	var out []fhir.MessageBody
	for before := int64(0); ; {
		page, err := m.chat.History(ctx, who, conversationID, before, chat.MaxHistoryLimit)
		if err != nil {
			return nil, err
		}
		bodies := make([]fhir.MessageBody, 0, len(page.Messages))
		for _, msg := range page.Messages {
			bodies = append(bodies, fhir.MessageBody{Seq: msg.Seq, Sender: msg.Sender, SentAt: msg.At, Body: msg.Body})
		}
		out = append(bodies, out...)
		if !page.More || len(page.Messages) == 0 {
			break
		}
		before = page.Messages[0].Seq
	}
	return out, nil
}
