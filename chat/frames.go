package chat

import (
	"bytes"
	"encoding/json"
	"strconv"

	"haven/portal/fault"
)

// decodeObject parses frame data that must be a JSON object into v; a
// missing data member counts as {} when empty is allowed.
func decodeObject(data json.RawMessage, v any, emptyOK bool) error {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 && emptyOK {
		return nil
	}
	if len(t) == 0 || t[0] != '{' {
		return ErrBadFrame
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fault.Wrap(ErrBadFrame, err)
	}
	return nil
}

// sendFrame is the data of chat.send.
type sendFrame struct {
	Conversation int64   `json:"conversation"`
	ClientID     string  `json:"client_id"`
	Body         string  `json:"body"`
	Attachments  []int64 `json:"attachments"`
}

// DecodeSend parses the data of a chat.send frame:
// {"conversation": id, "client_id": "…", "body": "…", "attachments": [id…]}
// and validates it as Send does (ErrConversation, ErrClientID, ErrBody*,
// ErrAttachments).
func DecodeSend(data json.RawMessage) (SendRequest, error) {
	var f sendFrame
	if err := decodeObject(data, &f, false); err != nil {
		return SendRequest{}, err
	}
	req := SendRequest{Conversation: f.Conversation, ClientID: f.ClientID, Body: f.Body, Attachments: f.Attachments}
	if err := checkSend(req); err != nil {
		return SendRequest{}, err
	}
	return req, nil
}

// ReadFrame is the data of chat.read: the user has read Conversation up to
// Seq.
type ReadFrame struct {
	Conversation int64 `json:"conversation"`
	Seq          int64 `json:"seq"`
}

// DecodeRead parses chat.read data; seq must be positive.
func DecodeRead(data json.RawMessage) (ReadFrame, error) {
	var f ReadFrame
	if err := decodeObject(data, &f, false); err != nil {
		return f, err
	}
	if f.Conversation <= 0 {
		return f, ErrConversation
	}
	if f.Seq <= 0 {
		return f, fault.Invalidf("seq must be a positive sequence number")
	}
	return f, nil
}

// ConversationFrame is the data of frames naming one conversation
// (chat.typing).
type ConversationFrame struct {
	Conversation int64 `json:"conversation"`
}

// DecodeConversation parses {"conversation": id}.
func DecodeConversation(data json.RawMessage) (ConversationFrame, error) {
	var f ConversationFrame
	if err := decodeObject(data, &f, false); err != nil {
		return f, err
	}
	if f.Conversation <= 0 {
		return f, ErrConversation
	}
	return f, nil
}

// HistoryFrame is the data of chat.history.
type HistoryFrame struct {
	Conversation int64 `json:"conversation"`
	BeforeSeq    int64 `json:"before_seq"` // 0 or absent: the latest messages
	Limit        int   `json:"limit"`      // 0 or absent: DefaultHistoryLimit; at most MaxHistoryLimit
}

// DecodeHistory parses chat.history data.
func DecodeHistory(data json.RawMessage) (HistoryFrame, error) {
	var f HistoryFrame
	if err := decodeObject(data, &f, false); err != nil {
		return f, err
	}
	switch {
	case f.Conversation <= 0:
		return f, ErrConversation
	case f.BeforeSeq < 0:
		return f, fault.Invalidf("before_seq must not be negative")
	case f.Limit < 0 || f.Limit > MaxHistoryLimit:
		return f, fault.Invalidf("limit must be between 1 and %d", MaxHistoryLimit)
	}
	return f, nil
}

// OpenFrame is the data of chat.open.
type OpenFrame struct {
	Kind      string `json:"kind"`      // "direct" or "team"
	Patient   int64  `json:"patient"`   // the patient (a patient may omit it: themselves)
	Clinician int64  `json:"clinician"` // direct only (a clinician may omit it: themselves)
}

// DecodeOpen parses chat.open data.
func DecodeOpen(data json.RawMessage) (OpenFrame, error) {
	var f OpenFrame
	if err := decodeObject(data, &f, false); err != nil {
		return f, err
	}
	if f.Kind != KindDirect && f.Kind != KindTeam {
		return f, ErrBadKind
	}
	if f.Patient < 0 || f.Clinician < 0 {
		return f, fault.Invalidf("patient and clinician must be user ids")
	}
	return f, nil
}

// AssignFrame is the data of chat.assign.
type AssignFrame struct {
	Conversation int64 `json:"conversation"`
	User         int64 `json:"user"` // the assignee; 0 releases
}

// DecodeAssign parses chat.assign data.
func DecodeAssign(data json.RawMessage) (AssignFrame, error) {
	var f AssignFrame
	if err := decodeObject(data, &f, false); err != nil {
		return f, err
	}
	if f.Conversation <= 0 {
		return f, ErrConversation
	}
	if f.User < 0 {
		return f, ErrBadAssignee
	}
	return f, nil
}

// MaxResumeEntries bounds the conversations a hello may list.
const MaxResumeEntries = 5000

// DecodeResume reads chat's member of a hello frame's data:
// {"protocol": 1, "chat": {"resume": {"<conversation id>": last_seq, …}}}.
// No "chat" member means nothing to resume. Keys must be positive decimal
// ids, values sequence numbers ≥ 0; at most MaxResumeEntries. Other members
// are ignored (they belong to the hub and other hooks).
func DecodeResume(hello json.RawMessage) (map[int64]int64, error) {
	var h struct {
		Chat *struct {
			Resume map[string]int64 `json:"resume"`
		} `json:"chat"`
	}
	if err := decodeObject(hello, &h, true); err != nil {
		return nil, fault.Wrap(ErrBadResume, err)
	}
	out := map[int64]int64{}
	if h.Chat == nil {
		return out, nil
	}
	if len(h.Chat.Resume) > MaxResumeEntries {
		return nil, ErrBadResume
	}
	for k, v := range h.Chat.Resume {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil || id <= 0 || v < 0 || strconv.FormatInt(id, 10) != k {
			return nil, ErrBadResume
		}
		out[id] = v
	}
	return out, nil
}
