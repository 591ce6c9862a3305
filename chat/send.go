package chat

import (
	"context"
	"time"

	"haven/portal/fault"
)

// Sent is the outcome of a send: where the message stands in its
// conversation. Duplicate is set when client_id matched a stored message,
// whose seq and time are returned.
type Sent struct {
	Conversation int64     `json:"conversation"`
	Seq          int64     `json:"seq"`
	At           time.Time `json:"at"`
	ClientID     string    `json:"client_id"`
	Duplicate    bool      `json:"duplicate,omitempty"`
}

// SendRequest is one message to send.
type SendRequest struct {
	Conversation int64
	ClientID     string  // the sender's idempotency key (CheckClientID)
	Body         string  // CheckBody
	Attachments  []int64 // ids from Upload to the same conversation by the sender
}

// sendReq is a send waiting for the committer.
type sendReq struct {
	actor Actor
	SendRequest
	enq time.Time
	res chan sendResult // buffered: the committer never blocks on it
}

type sendResult struct {
	sent    Sent
	patient int64
	err     error
}

// Send stores a message from actor and returns its sequence number and
// server time once it is committed (never before). The message is then
// published to every participant and, when the sender is the patient,
// handed to RiskScreen.
//
// Idempotency: a request repeating the ClientID of a message the actor
// already sent to the conversation returns that message (Duplicate set),
// whatever its body; concurrent duplicates store one message and all get
// its seq.
//
// Errors: ErrBody*, ErrClientID, ErrAttachments for bad input; ErrNotFound
// when the conversation does not exist or the actor may not use it;
// ErrClosed after Close; ErrUnavailable when the database fails or ctx
// ends first (wrapping ctx's error): the message may then still be stored,
// and a retry with the same ClientID returns it.
func (s *Service) Send(ctx context.Context, actor Actor, req SendRequest) (Sent, error) {
	res, err := s.send(ctx, actor, req)
	if err != nil {
		return Sent{}, err
	}
	return res.sent, nil
}

// send validates, checks staff access and waits for the committer.
func (s *Service) send(ctx context.Context, actor Actor, req SendRequest) (sendResult, error) {
	if err := checkSend(req); err != nil {
		return sendResult{}, err
	}
	if !actor.isPatient() && !actor.isStaff() {
		return sendResult{}, ErrNotFound
	}
	if actor.isStaff() {
		// The participant row is checked in the transaction; access (care
		// team, grants) here, from a short-lived cache.
		patient, err := s.patientOf(ctx, req.Conversation)
		if err != nil {
			return sendResult{}, err
		}
		if err := s.authorize(ctx, actor, patient); err != nil {
			return sendResult{}, err
		}
	}
	r := &sendReq{actor: actor, SendRequest: req, enq: time.Now(), res: make(chan sendResult, 1)}
	if s.closed() {
		return sendResult{}, ErrClosed
	}
	select {
	case s.sendq[uint64(req.Conversation)%uint64(len(s.sendq))] <- r:
	case <-s.stop:
		return sendResult{}, ErrClosed
	case <-ctx.Done():
		return sendResult{}, fault.Wrap(ErrUnavailable, ctx.Err())
	}
	select {
	case res := <-r.res:
		s.m.sendLatency.Observe(time.Since(r.enq).Seconds())
		return res, res.err
	case <-s.workerDone:
		select {
		case res := <-r.res:
			return res, res.err
		default:
			return sendResult{}, ErrClosed
		}
	case <-ctx.Done():
		return sendResult{}, fault.Wrap(ErrUnavailable, ctx.Err())
	}
}

// checkSend validates a request's input.
func checkSend(req SendRequest) error {
	if req.Conversation <= 0 {
		return ErrConversation
	}
	if err := CheckClientID(req.ClientID); err != nil {
		return err
	}
	if len(req.Attachments) > MaxAttachmentsPerMessage {
		return ErrAttachments
	}
	for _, id := range req.Attachments {
		if id <= 0 {
			return ErrAttachments
		}
	}
	return CheckBody(req.Body, len(req.Attachments) > 0)
}
