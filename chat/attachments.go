package chat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5"

	"haven/portal/audit"
	"haven/portal/fault"
)

// AttachmentID identifies an uploaded attachment.
type AttachmentID int64

// String returns the id in decimal.
func (id AttachmentID) String() string { return strconv.FormatInt(int64(id), 10) }

const (
	sqlNextAttachment   = `SELECT nextval(pg_get_serial_sequence('chat_attachments', 'id'))`
	sqlInsertAttachment = `INSERT INTO chat_attachments (id, conversation_id, uploader_id, content_type, size, sealed)
		VALUES ($1, $2, $3, $4, $5, $6)`
	sqlAttachment = `SELECT conversation_id, content_type, sealed FROM chat_attachments WHERE id = $1`
)

// Upload stores an attachment for conv from r: at most MaxAttachmentSize
// bytes of a PNG, JPEG, WebP or GIF image or a PDF, the type found from the
// content. It is sealed under the conversation's key, bound to its id, and
// audited as chat.attach. Reference the returned id in a message's
// Attachments to share it.
//
// Errors: ErrNotFound when the actor may not use conv (checked before
// reading r); ErrAttachmentTooLarge, ErrAttachmentEmpty, ErrAttachmentType;
// ErrUnavailable when the database fails.
func (s *Service) Upload(ctx context.Context, actor Actor, conv int64, r io.Reader) (AttachmentID, error) {
	m, err := s.member(ctx, actor, conv)
	if err != nil {
		s.auditDenied(ctx, actor, "chat.attach", conv, err)
		return 0, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxAttachmentSize+1))
	if err != nil {
		return 0, fault.Wrap(fault.New(fault.Invalid, "the upload was interrupted"), err)
	}
	ctype := sniffType(data)
	switch {
	case len(data) > MaxAttachmentSize:
		s.m.attachRefused.Inc()
		return 0, ErrAttachmentTooLarge
	case len(data) == 0:
		s.m.attachRefused.Inc()
		return 0, ErrAttachmentEmpty
	case ctype == "":
		s.m.attachRefused.Inc()
		return 0, ErrAttachmentType
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, sqlNextAttachment).Scan(&id); err != nil {
			return err
		}
		sealed, err := s.sealer.Seal(ctx, conversationOwner(conv), data, attachmentAD(conv, id))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlInsertAttachment, id, conv, actor.UserID, ctype, len(data), sealed); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorRole: actor.Role, Action: "chat.attach",
			PatientID: m.patient, Target: attachmentTarget(conv, id), Outcome: audit.OK})
	})
	if err != nil {
		return 0, dbError("upload", err)
	}
	s.m.attachments.Inc()
	return AttachmentID(id), nil
}

// Download returns an attachment's content type and bytes to a participant
// of its conversation, audited as chat.read. Anyone else, and an unknown
// id, get ErrAttachmentNotFound.
func (s *Service) Download(ctx context.Context, actor Actor, id AttachmentID) (contentType string, data []byte, err error) {
	var conv int64
	var sealed []byte
	err = s.pool.QueryRow(ctx, sqlAttachment, int64(id)).Scan(&conv, &contentType, &sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, ErrAttachmentNotFound
	}
	if err != nil {
		return "", nil, dbError("download", err)
	}
	m, err := s.member(ctx, actor, conv)
	if errors.Is(err, ErrNotFound) {
		s.auditDenied(ctx, actor, "chat.read", conv, err)
		return "", nil, ErrAttachmentNotFound
	}
	if err != nil {
		return "", nil, err
	}
	data, err = s.sealer.Unseal(ctx, conversationOwner(conv), sealed, attachmentAD(conv, int64(id)))
	if err != nil {
		return "", nil, fmt.Errorf("chat: open attachment %d: %w", id, err)
	}
	if err := s.recordAudit(ctx, audit.Entry{ActorID: actor.UserID, ActorRole: actor.Role, Action: "chat.read",
		PatientID: m.patient, Target: attachmentTarget(conv, int64(id)), Outcome: audit.OK}); err != nil {
		return "", nil, err
	}
	return contentType, data, nil
}

// attachmentTarget names an attachment in the audit log.
func attachmentTarget(conv, id int64) string {
	return conversationTarget(conv) + "/attachment:" + strconv.FormatInt(id, 10)
}
