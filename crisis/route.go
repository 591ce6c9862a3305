package crisis

import (
	"context"
	"fmt"
	"slices"
)

// recipients returns who an escalation is offered to at a tier, sorted, the
// patient never among them:
//
//	tier 1: everyone on call;
//	tier 2: supervisors — on a supervisor shift, or flagged on the roster
//	        and not switched off;
//	tier 3: everyone on call, every supervisor, and the patient's care team.
//
// Offers accumulate: whoever had an offer at a lower tier keeps it.
func (s *Service) recipients(ctx context.Context, db Querier, tier int, patientID int64) ([]int64, error) {
	var out []int64
	oc, err := onCall(ctx, db, nil)
	if err != nil {
		return nil, err
	}
	for _, e := range oc {
		if tier != 2 || e.Supervisor {
			out = append(out, e.UserID)
		}
	}
	if tier >= 2 {
		sup, err := supervisors(ctx, db)
		if err != nil {
			return nil, err
		}
		out = append(out, sup...)
	}
	if tier == 3 {
		team, err := s.d.People.CareTeam(ctx, patientID)
		if err != nil {
			return nil, fmt.Errorf("crisis: care team: %w", err)
		}
		out = append(out, team...)
	}
	out = slices.DeleteFunc(out, func(id int64) bool { return id == patientID || id <= 0 })
	slices.Sort(out)
	return slices.Compact(out), nil
}

func supervisors(ctx context.Context, db Querier) ([]int64, error) {
	rows, err := db.Query(ctx, sqlSupervisors)
	if err != nil {
		return nil, fmt.Errorf("crisis: supervisors: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("crisis: supervisors: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
