package chat

import (
	"context"

	"haven/signaling"
)

// Frame types chat serves (PROTOCOL.md).
const (
	FrameSend          = "chat.send"
	FrameRead          = "chat.read"
	FrameTyping        = "chat.typing"
	FrameHistory       = "chat.history"
	FrameConversations = "chat.conversations"
	FrameOpen          = "chat.open"
	FrameInbox         = "chat.inbox"
	FrameAssign        = "chat.assign"
)

// register installs chat on the hub: frame handlers, renderer, resume hook.
func (s *Service) register(h *signaling.Hub) {
	r := h.Router()
	r.HandleFunc(FrameSend, s.serveSend)
	r.HandleFunc(FrameRead, s.serveRead)
	r.HandleFunc(FrameTyping, s.serveTyping)
	r.HandleFunc(FrameHistory, s.serveHistory)
	r.HandleFunc(FrameConversations, s.serveConversations)
	r.HandleFunc(FrameOpen, s.serveOpen)
	r.HandleFunc(FrameInbox, s.serveInbox)
	r.HandleFunc(FrameAssign, s.serveAssign)
	h.Render(EventMessage, s.renderMessage)
	h.OnHello(s.resume)
}

func actorOf(req *signaling.Request) Actor {
	id := req.Conn.Identity()
	return Actor{UserID: id.UserID, Role: id.Role}
}

// serveSend answers chat.send with chat.send.ok after the commit.
func (s *Service) serveSend(ctx context.Context, req *signaling.Request) error {
	sr, err := DecodeSend(req.Data)
	if err != nil {
		return err
	}
	res, err := s.send(ctx, actorOf(req), sr)
	if err != nil {
		return err
	}
	return req.Reply(ctx, res.sent)
}

func (s *Service) serveRead(ctx context.Context, req *signaling.Request) error {
	f, err := DecodeRead(req.Data)
	if err != nil {
		return err
	}
	return s.MarkRead(ctx, actorOf(req), f.Conversation, f.Seq)
}

func (s *Service) serveTyping(ctx context.Context, req *signaling.Request) error {
	f, err := DecodeConversation(req.Data)
	if err != nil {
		return err
	}
	return s.Typing(ctx, actorOf(req), f.Conversation)
}

func (s *Service) serveHistory(ctx context.Context, req *signaling.Request) error {
	f, err := DecodeHistory(req.Data)
	if err != nil {
		return err
	}
	p, err := s.History(ctx, actorOf(req), f.Conversation, f.BeforeSeq, f.Limit)
	if err != nil {
		return err
	}
	return req.Reply(ctx, p)
}

func (s *Service) serveConversations(ctx context.Context, req *signaling.Request) error {
	if err := decodeObject(req.Data, &struct{}{}, true); err != nil {
		return err
	}
	l, err := s.List(ctx, actorOf(req))
	if err != nil {
		return err
	}
	return req.Reply(ctx, l)
}

func (s *Service) serveOpen(ctx context.Context, req *signaling.Request) error {
	f, err := DecodeOpen(req.Data)
	if err != nil {
		return err
	}
	a := actorOf(req)
	if f.Patient == 0 && a.isPatient() {
		f.Patient = a.UserID
	}
	var conv int64
	switch f.Kind {
	case KindDirect:
		if f.Clinician == 0 && a.Role == "clinician" {
			f.Clinician = a.UserID
		}
		conv, err = s.OpenDirect(ctx, a, f.Patient, f.Clinician)
	default:
		conv, err = s.OpenTeam(ctx, a, f.Patient)
	}
	if err != nil {
		return err
	}
	return req.Reply(ctx, ConversationFrame{Conversation: conv})
}

func (s *Service) serveInbox(ctx context.Context, req *signaling.Request) error {
	if err := decodeObject(req.Data, &struct{}{}, true); err != nil {
		return err
	}
	items, err := s.Inbox(ctx, actorOf(req))
	if err != nil {
		return err
	}
	return req.Reply(ctx, struct {
		Items []InboxItem `json:"items"`
	}{items})
}

func (s *Service) serveAssign(ctx context.Context, req *signaling.Request) error {
	f, err := DecodeAssign(req.Data)
	if err != nil {
		return err
	}
	return s.Assign(ctx, actorOf(req), f.Conversation, f.User)
}
