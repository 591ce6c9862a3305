package records

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// MaxEmergencyContacts bounds a patient's emergency contacts.
const MaxEmergencyContacts = 10

// EmergencyContact is someone to call for the patient in an emergency.
type EmergencyContact struct {
	ID       int64     `json:"-"`
	Name     string    `json:"name"`
	Relation string    `json:"relation,omitempty"` // "sister", "friend", …; optional
	Phone    string    `json:"phone"`
	AddedBy  int64     `json:"-"`
	AddedAt  time.Time `json:"-"`
}

const (
	sqlNextContactID = `SELECT nextval(pg_get_serial_sequence('record_emergency_contacts', 'id'))`
	// sqlLockContacts serializes additions per patient until commit (a
	// transaction-level advisory lock); the count is taken after it, in a
	// statement of its own, so its snapshot sees every earlier addition.
	sqlLockContacts  = `SELECT pg_advisory_xact_lock(hashtextextended('haven.records.emergency_contacts:' || $1::bigint::text, 0))`
	sqlCountContacts = `SELECT count(*) FROM record_emergency_contacts WHERE patient_id = $1`
	sqlInsertContact = `INSERT INTO record_emergency_contacts (id, patient_id, contact, added_by, added_at) VALUES ($1, $2, $3, $4, $5)`
	sqlDeleteContact = `DELETE FROM record_emergency_contacts WHERE id = $1 AND patient_id = $2`
	sqlContacts      = `SELECT id, contact, added_by, added_at FROM record_emergency_contacts WHERE patient_id = $1 ORDER BY id`
)

// AddEmergencyContact adds a contact, by the patient or a clinician the
// policy admits (ErrPatientOrTeam for anyone else), sealed and audited as
// records.write. ErrBadName, ErrBadRelation, ErrBadPhone or
// ErrTooManyPeople (at most MaxEmergencyContacts) for bad input.
func (s *Service) AddEmergencyContact(ctx context.Context, actor account.Actor, patientID int64, c EmergencyContact) (EmergencyContact, error) {
	if err := s.allowPatientOrClinician(ctx, actor, patientID); err != nil {
		return EmergencyContact{}, err
	}
	c, err := c.check()
	if err != nil {
		return EmergencyContact{}, err
	}
	c.AddedBy, c.AddedAt = actor.UserID, s.now()
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var n int
		if _, err := tx.Exec(ctx, sqlLockContacts, patientID); err != nil {
			return fmt.Errorf("records: lock contacts: %w", err)
		}
		if err := tx.QueryRow(ctx, sqlCountContacts, patientID).Scan(&n); err != nil {
			return fmt.Errorf("records: contacts: %w", err)
		}
		if n >= MaxEmergencyContacts {
			return ErrTooManyPeople
		}
		if err := tx.QueryRow(ctx, sqlNextContactID).Scan(&c.ID); err != nil {
			return fmt.Errorf("records: contact id: %w", err)
		}
		sealed, err := s.sealJSON(ctx, patientID, ad("record_emergency_contacts", itoa(c.ID), "contact"), c)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlInsertContact, c.ID, patientID, sealed, c.AddedBy, c.AddedAt); err != nil {
			return fmt.Errorf("records: insert contact: %w", err)
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "emergency_contact:"+itoa(c.ID))
	})
	if err != nil {
		return EmergencyContact{}, err
	}
	return c, nil
}

// check validates a contact and returns it cleaned.
func (c EmergencyContact) check() (EmergencyContact, error) {
	name, err := cleanText(c.Name, maxContactName, false)
	if err != nil || name == "" {
		return EmergencyContact{}, ErrBadName
	}
	rel, err := cleanText(c.Relation, 50, false)
	if err != nil {
		return EmergencyContact{}, ErrBadRelation
	}
	phone, err := cleanText(c.Phone, 32, false)
	if err != nil || !validPhone(phone) {
		return EmergencyContact{}, ErrBadPhone
	}
	return EmergencyContact{Name: name, Relation: rel, Phone: phone}, nil
}

// RemoveEmergencyContact deletes a contact, by the patient or a clinician
// the policy admits, audited as records.write. ErrNoContact when patientID
// has no such contact.
func (s *Service) RemoveEmergencyContact(ctx context.Context, actor account.Actor, patientID, contactID int64) error {
	if err := s.allowPatientOrClinician(ctx, actor, patientID); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sqlDeleteContact, contactID, patientID)
		if err != nil {
			return fmt.Errorf("records: delete contact: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrNoContact
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "emergency_contact:"+itoa(contactID))
	})
}

// EmergencyContacts lists the patient's emergency contacts in the order they
// were added, audited as one records.read. The patient and anyone the
// policy admits may read them.
func (s *Service) EmergencyContacts(ctx context.Context, actor account.Actor, patientID int64) ([]EmergencyContact, error) {
	if err := s.allowRead(ctx, actor, patientID); err != nil {
		return nil, err
	}
	var out []EmergencyContact
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out, err = s.loadContacts(ctx, tx, patientID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "emergency_contacts")
	})
	return out, err
}

// loadContacts reads and unseals patientID's contacts.
func (s *Service) loadContacts(ctx context.Context, tx pgx.Tx, patientID int64) ([]EmergencyContact, error) {
	rows, err := tx.Query(ctx, sqlContacts, patientID)
	if err != nil {
		return nil, fmt.Errorf("records: contacts: %w", err)
	}
	type stored struct {
		c      EmergencyContact
		sealed []byte
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
		var st stored
		return st, r.Scan(&st.c.ID, &st.sealed, &st.c.AddedBy, &st.c.AddedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("records: contacts: %w", err)
	}
	out := make([]EmergencyContact, 0, len(got))
	for _, st := range got {
		c := st.c
		if err := s.openJSON(ctx, patientID, ad("record_emergency_contacts", itoa(c.ID), "contact"), st.sealed, &c); err != nil {
			return nil, err
		}
		c.ID, c.AddedBy, c.AddedAt = st.c.ID, st.c.AddedBy, st.c.AddedAt
		out = append(out, c)
	}
	return out, nil
}
