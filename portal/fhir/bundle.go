package fhir

// entry is one resource found, with its type and id for the Bundle.
type entry struct {
	typ, id string
	res     any
}

type bundle struct {
	ResourceType string        `json:"resourceType"`
	Meta         meta          `json:"meta"`
	Type         string        `json:"type"`
	Total        int           `json:"total"`
	Link         []bundleLink  `json:"link,omitempty"`
	Entry        []bundleEntry `json:"entry,omitempty"`
}

type bundleLink struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

type bundleEntry struct {
	FullURL  string      `json:"fullUrl"`
	Resource any         `json:"resource"`
	Search   entrySearch `json:"search"`
}

type entrySearch struct {
	Mode string `json:"mode"` // "match" or "include"
}

// searchset returns a searchset Bundle of the matches and then the
// includes (resources they refer to), each resource trimmed to e (see
// subset). Its total counts the matches.
func (rq *request) searchset(matches, includes []entry, e elementSet) (bundle, error) {
	b := bundle{ResourceType: "Bundle", Meta: metaAt(rq.now), Type: "searchset", Total: len(matches),
		Link: []bundleLink{{Relation: "self", URL: rq.self}}}
	for i, f := range append(matches[:len(matches):len(matches)], includes...) {
		res, err := subset(f.typ, f.res, e)
		if err != nil {
			return bundle{}, err
		}
		mode := "match"
		if i >= len(matches) {
			mode = "include"
		}
		b.Entry = append(b.Entry, bundleEntry{FullURL: rq.base + "/" + f.typ + "/" + f.id, Resource: res,
			Search: entrySearch{Mode: mode}})
	}
	return b, nil
}

// staffRef returns the reference to Practitioner/id and notes id, so that
// $everything can include every practitioner its resources name.
func (rq *request) staffRef(id int64) *reference {
	if id <= 0 {
		return nil
	}
	if rq.staff == nil {
		rq.staff = map[int64]bool{}
	}
	if !rq.staff[id] {
		rq.staff[id] = true
		rq.staffOrder = append(rq.staffOrder, id)
	}
	r := ref("Practitioner", itoa(id))
	return &r
}

// personRef refers to the patient when id is the patient, else to staff.
func (rq *request) personRef(id, patientID int64) *reference {
	if id == patientID {
		r := ref("Patient", itoa(id))
		return &r
	}
	return rq.staffRef(id)
}

func patientRef(id int64) reference { return ref("Patient", itoa(id)) }
