package chat

import "haven/portal/fault"

// Errors returned by the package; match them with errors.Is. Messages are
// safe to show and never name content.
var (
	// ErrNotFound means the conversation (or attachment) does not exist or
	// is not visible to the user: both look the same.
	ErrNotFound = fault.New(fault.NotFound, "conversation not found")
	// ErrAttachmentNotFound is ErrNotFound for attachments.
	ErrAttachmentNotFound = fault.New(fault.NotFound, "attachment not found")

	ErrBodyEmpty    = fault.New(fault.Invalid, "message is empty")
	ErrBodyTooLong  = fault.New(fault.TooLarge, "message is longer than 4000 characters")
	ErrBodyEncoding = fault.New(fault.Invalid, "message is not valid UTF-8 text")
	ErrClientID     = fault.New(fault.Invalid, "client_id must be 1 to 64 characters of A-Z a-z 0-9 . _ : -")
	ErrConversation = fault.New(fault.Invalid, "conversation must be a positive id")
	ErrAttachments  = fault.New(fault.Invalid, "a message may reference at most 10 attachments of its conversation")

	ErrAttachmentTooLarge = fault.New(fault.TooLarge, "attachments are limited to 10 MB")
	ErrAttachmentType     = fault.New(fault.Invalid, "attachments must be PNG, JPEG, WebP or GIF images or PDF documents")
	ErrAttachmentEmpty    = fault.New(fault.Invalid, "attachment is empty")

	ErrNotCareTeam = fault.New(fault.Forbidden, "not on the patient's care team")
	ErrNotStaff    = fault.New(fault.Forbidden, "only staff can do this")
	ErrBadKind     = fault.New(fault.Invalid, "kind must be direct or team")
	ErrBadAssignee = fault.New(fault.Invalid, "the assignee must be staff in the conversation")

	ErrBadFrame  = fault.New(fault.Invalid, "data must be a JSON object with the documented members")
	ErrBadResume = fault.New(fault.Invalid, "chat.resume must map conversation ids to sequence numbers")

	ErrClosed      = fault.New(fault.Unavailable, "chat is shutting down")
	ErrUnavailable = fault.New(fault.Unavailable, "messages are unavailable; try again")
)
