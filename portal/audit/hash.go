package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// hashVersion names the canonical encoding; a new encoding gets a new tag.
const hashVersion = "haven.audit.v1"

// genesis is the "previous hash" of chain position 1.
var genesis = make([]byte, sha256.Size)

// rowColumns selects every field a row's hash covers, in a fixed form (the
// IP as PostgreSQL's full text form, mask included).
const rowColumns = `id, at, actor_id, actor_role, action, patient_id, target, outcome, client_ip::text, user_agent`

// row is an audit row as hashed.
type row struct {
	id        int64
	at        time.Time
	actorID   pgtype.Int8
	actorRole string
	action    string
	patientID pgtype.Int8
	target    string
	outcome   string
	clientIP  pgtype.Text
	userAgent string
}

// scanTargets returns pointers for scanning rowColumns into r.
func (r *row) scanTargets() []any {
	return []any{&r.id, &r.at, &r.actorID, &r.actorRole, &r.action, &r.patientID, &r.target, &r.outcome, &r.clientIP, &r.userAgent}
}

// linkHash returns SHA-256(prev || encoding of r at chain position pos).
func linkHash(prev []byte, r *row, pos int64) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(r.encode(make([]byte, 0, 256), pos))
	return h.Sum(nil)
}

// encode appends the canonical encoding of r at position pos: the version
// tag, then every field in a fixed order, integers as 8 big-endian bytes,
// strings length-prefixed, nullable fields with a presence byte. It is
// injective: two different rows never encode alike.
func (r *row) encode(b []byte, pos int64) []byte {
	b = appendString(b, hashVersion)
	b = appendInt(b, r.id)
	b = appendInt(b, pos)
	b = appendInt(b, r.at.UnixMicro())
	b = appendOptInt(b, r.actorID)
	b = appendString(b, r.actorRole)
	b = appendString(b, r.action)
	b = appendOptInt(b, r.patientID)
	b = appendString(b, r.target)
	b = appendString(b, r.outcome)
	if r.clientIP.Valid {
		b = appendString(append(b, 1), r.clientIP.String)
	} else {
		b = append(b, 0)
	}
	return appendString(b, r.userAgent)
}

func appendInt(b []byte, v int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(v)) }

func appendOptInt(b []byte, v pgtype.Int8) []byte {
	if !v.Valid {
		return append(b, 0)
	}
	return appendInt(append(b, 1), v.Int64)
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}
