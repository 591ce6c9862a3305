package fhir

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

type communicationResource struct {
	ResourceType string      `json:"resourceType"`
	ID           string      `json:"id"`
	Meta         meta        `json:"meta"`
	Extension    []extension `json:"extension,omitempty"`
	Status       string      `json:"status"`
	Category     []concept   `json:"category,omitempty"`
	Subject      reference   `json:"subject"`
	Sent         string      `json:"sent,omitempty"`
	Recipient    []reference `json:"recipient,omitempty"`
	Payload      []payload   `json:"payload,omitempty"`
}

type payload struct {
	Extension     []extension `json:"extension,omitempty"`
	ContentString string      `json:"contentString"`
}

// Communication/{p}-{conversation} (read by readBySearch): one
// conversation as a thread: its participants as recipients, the time of its
// latest message as sent, and its message count as an extension. Message
// bodies come only when _elements names payload.
//
// Communication?patient=: the patient's conversations the actor may see,
// by conversation id. None when no Messages port is configured.
func searchCommunications(rq *request, pid int64) ([]entry, error) {
	convs, err := rq.conversations(pid)
	if err != nil {
		return nil, err
	}
	var out []entry
	for _, c := range convs {
		res := rq.communication(c)
		if rq.elements.has("payload") {
			if res.Payload, err = rq.payload(pid, c.ConversationID); err != nil {
				return nil, err
			}
		}
		out = append(out, entry{"Communication", res.ID, res})
	}
	return out, nil
}

// conversations lists the metadata of the patient's conversations, by id.
func (rq *request) conversations(pid int64) ([]CommunicationMeta, error) {
	if rq.s.d.Messages == nil {
		return nil, nil
	}
	convs, err := rq.s.d.Messages.Conversations(rq.ctx, rq.actor, pid)
	if err != nil {
		return nil, fmt.Errorf("fhir: conversations: %w", err)
	}
	convs = slices.DeleteFunc(convs, func(c CommunicationMeta) bool { return c.PatientID != pid })
	slices.SortFunc(convs, func(a, b CommunicationMeta) int { return cmp.Compare(a.ConversationID, b.ConversationID) })
	return convs, nil
}

func (rq *request) communication(c CommunicationMeta) communicationResource {
	res := communicationResource{ResourceType: "Communication", ID: scopedID(c.PatientID, itoa(c.ConversationID)),
		Meta:      metaAt(latest(c.CreatedAt, c.LastSentAt, rq.nowIfZero(c.CreatedAt, c.LastSentAt))),
		Extension: []extension{{URL: extMessageCount, ValueInteger: int64p(c.MessageCount)}},
		Status:    "in-progress", Subject: patientRef(c.PatientID), Sent: instant(c.LastSentAt),
		Category: []concept{{Coding: []coding{{System: systemConvKind, Code: c.Kind, Display: kindDisplay(c.Kind)}}}},
	}
	switch {
	case c.Closed:
		res.Status = "completed"
	case c.MessageCount == 0:
		res.Status = "preparation"
	}
	for _, p := range c.Participants {
		if p.Patient {
			res.Recipient = append(res.Recipient, patientRef(p.UserID))
		} else if r := rq.staffRef(p.UserID); r != nil {
			res.Recipient = append(res.Recipient, *r)
		}
	}
	return res
}

// payload reads a conversation's messages (chat audits the read), each as
// a payload with its sender and time. Messages without text (attachments
// only) are left out.
func (rq *request) payload(pid, conv int64) ([]payload, error) {
	msgs, err := rq.s.d.Messages.Bodies(rq.ctx, rq.actor, pid, conv)
	if err != nil {
		return nil, fmt.Errorf("fhir: messages of conversation %d: %w", conv, err)
	}
	var out []payload
	for _, m := range msgs {
		if m.Body == "" {
			continue
		}
		p := payload{ContentString: m.Body, Extension: []extension{{URL: extMessageSent, ValueDateTime: instant(m.SentAt)}}}
		if sender := rq.personRef(m.Sender, pid); sender != nil {
			p.Extension = append(p.Extension, extension{URL: extMessageSender, ValueReference: sender})
		}
		out = append(out, p)
	}
	return out, nil
}

func kindDisplay(kind string) string {
	switch kind {
	case "direct":
		return "Conversation with a clinician"
	case "team":
		return "Conversation with the care team"
	case "crisis":
		return "Crisis conversation"
	}
	return ""
}

// nowIfZero is the time of the request when every t is zero, else zero.
func (rq *request) nowIfZero(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return time.Time{}
		}
	}
	return rq.now
}
