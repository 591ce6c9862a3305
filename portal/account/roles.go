package account

// Role is what a user is in the clinic. The values are stored in users.role.
type Role string

// The roles.
const (
	RolePatient   Role = "patient"
	RoleClinician Role = "clinician"
	RoleCounselor Role = "counselor"
	RoleAdmin     Role = "admin"
)

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	switch r {
	case RolePatient, RoleClinician, RoleCounselor, RoleAdmin:
		return true
	}
	return false
}

// Staff reports whether r is a clinic role (clinician, counselor, admin);
// staff must use MFA and may break the glass.
func (r Role) Staff() bool {
	return r == RoleClinician || r == RoleCounselor || r == RoleAdmin
}
