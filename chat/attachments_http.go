package chat

import (
	"encoding/json"
	"net/http"
	"strconv"

	"haven/portal/fault"
)

// AttachmentHandler returns the HTTP side of attachments, for the web layer
// to mount (under a prefix, with http.StripPrefix) behind its session and
// CSRF middleware; chat itself only asks auth who is calling:
//
//	POST /conversations/{conversation}/attachments
//	    body: the file's bytes (the declared Content-Type is ignored)
//	    201 {"attachment": id, "content_type": "image/png", "size": n}
//	GET /attachments/{id}
//	    200 the bytes, with the type found at upload
//
// auth returns the caller's Actor, or an error (a *fault.Error, typically
// Unauthenticated) that refuses the request. Errors are answered with the
// status of their fault code and the user-safe message as text.
func (s *Service) AttachmentHandler(auth func(*http.Request) (Actor, error)) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /conversations/{conversation}/attachments", func(w http.ResponseWriter, r *http.Request) {
		actor, err := auth(r)
		if err != nil {
			httpError(w, err)
			return
		}
		conv, err := strconv.ParseInt(r.PathValue("conversation"), 10, 64)
		if err != nil || conv <= 0 {
			httpError(w, ErrNotFound)
			return
		}
		if r.ContentLength > MaxAttachmentSize {
			httpError(w, ErrAttachmentTooLarge)
			return
		}
		body := http.MaxBytesReader(w, r.Body, MaxAttachmentSize+1)
		id, err := s.Upload(r.Context(), actor, conv, body)
		if err != nil {
			httpError(w, err)
			return
		}
		ctype, size, err := s.attachmentInfo(r, id)
		if err != nil {
			httpError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(struct {
			Attachment  AttachmentID `json:"attachment"`
			ContentType string       `json:"content_type"`
			Size        int          `json:"size"`
		}{id, ctype, size})
	})
	mux.HandleFunc("GET /attachments/{id}", func(w http.ResponseWriter, r *http.Request) {
		actor, err := auth(r)
		if err != nil {
			httpError(w, err)
			return
		}
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			httpError(w, ErrAttachmentNotFound)
			return
		}
		ctype, data, err := s.Download(r.Context(), actor, AttachmentID(id))
		if err != nil {
			httpError(w, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Length", strconv.Itoa(len(data)))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
		if ctype == "application/pdf" {
			h.Set("Content-Disposition", `attachment; filename="attachment-`+strconv.FormatInt(id, 10)+`.pdf"`)
		} else {
			h.Set("Content-Disposition", "inline")
		}
		_, _ = w.Write(data)
	})
	return mux
}

const sqlAttachmentInfo = `SELECT content_type, size FROM chat_attachments WHERE id = $1`

// attachmentInfo reads the type and size of an attachment just uploaded.
func (s *Service) attachmentInfo(r *http.Request, id AttachmentID) (string, int, error) {
	var ctype string
	var size int
	if err := s.pool.QueryRow(r.Context(), sqlAttachmentInfo, int64(id)).Scan(&ctype, &size); err != nil {
		return "", 0, dbError("attachment info", err)
	}
	return ctype, size, nil
}

// httpStatuses maps fault codes to HTTP statuses, as the web layer does.
var httpStatuses = map[fault.Code]int{
	fault.Invalid:         http.StatusBadRequest,
	fault.Unauthenticated: http.StatusUnauthorized,
	fault.Forbidden:       http.StatusForbidden,
	fault.NotFound:        http.StatusNotFound,
	fault.Conflict:        http.StatusConflict,
	fault.TooMany:         http.StatusTooManyRequests,
	fault.TooLarge:        http.StatusRequestEntityTooLarge,
	fault.Unavailable:     http.StatusServiceUnavailable,
}

// httpError answers err with its status and user-safe message.
func httpError(w http.ResponseWriter, err error) {
	status, ok := httpStatuses[fault.CodeOf(err)]
	if !ok {
		status = http.StatusInternalServerError
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.Error(w, fault.MessageOf(err), status)
}
