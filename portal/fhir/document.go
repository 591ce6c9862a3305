package fhir

import (
	"encoding/base64"

	"haven/portal/records"
)

type documentReferenceResource struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id"`
	Meta         meta         `json:"meta"`
	Status       string       `json:"status"`
	DocStatus    string       `json:"docStatus"`
	Type         concept      `json:"type"`
	Subject      reference    `json:"subject"`
	Date         string       `json:"date,omitempty"`
	Author       []reference  `json:"author,omitempty"`
	Description  string       `json:"description,omitempty"`
	Content      []docContent `json:"content"`
}

type docContent struct {
	Attachment attachment `json:"attachment"`
}

type attachment struct {
	ContentType string `json:"contentType"`
	Data        string `json:"data"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// DocumentReference/{p}-{note} (read by readBySearch): a note shared with
// the patient.
//
// DocumentReference?patient=: the notes shared with the patient, newest
// first, taken from records' export for the patient, which never holds a
// withheld or psychotherapy note; sharedNote checks again.
func searchDocumentReferences(rq *request, pid int64) ([]entry, error) {
	x, err := rq.s.d.Records.ExportForPatient(rq.ctx, rq.actor, pid)
	if err != nil {
		return nil, err
	}
	var out []entry
	for _, n := range x.Notes {
		if !sharedNote(n) {
			continue
		}
		res := rq.documentReference(n)
		out = append(out, entry{"DocumentReference", res.ID, res})
	}
	return out, nil
}

// sharedNote reports whether n may appear at all: shared with the patient,
// not withheld, and never a psychotherapy note.
func sharedNote(n records.Note) bool {
	return n.Kind != records.KindPsychotherapy && n.Shared() && n.Withheld == ""
}

func (rq *request) documentReference(n records.Note) documentReferenceResource {
	res := documentReferenceResource{ResourceType: "DocumentReference", ID: scopedID(n.PatientID, itoa(n.ID)),
		Meta: metaAt(latest(n.CreatedAt, n.SharedAt)), Status: "current", DocStatus: "final", Type: noteType(n.Kind),
		Subject: patientRef(n.PatientID), Date: instant(n.SharedAt), Description: n.Title,
		Content: []docContent{{Attachment: attachment{ContentType: "text/plain; charset=utf-8",
			Data: base64.StdEncoding.EncodeToString([]byte(n.Body)), Title: n.Title, Creation: instant(n.CreatedAt)}}}}
	if r := rq.staffRef(n.AuthorID); r != nil {
		res.Author = []reference{*r}
	}
	return res
}

func noteType(k records.NoteKind) concept {
	if k == records.KindProgress {
		return concept{Coding: []coding{{System: systemLOINC, Code: "11506-3", Display: "Progress note"}}, Text: "Progress note"}
	}
	return concept{Text: "Visit summary"}
}
