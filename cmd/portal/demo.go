package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"haven/crisis"
	"haven/portal/account"
	"haven/portal/measures"
	"haven/portal/meds"
	"haven/portal/visits"
)

// demoPerson is one seeded account of the demo clinic.
type demoPerson struct {
	Key      string // stable handle used to wire care teams
	Role     account.Role
	Email    string
	Name     string
	Password string
	Team     []string // for patients: keys of their clinicians
}

// demoClinic is the demo's cast: an admin, two clinicians, an on-call
// crisis counselor and three patients with care teams. Passwords are fixed
// so the printed logins stay valid across runs; the demo listens on
// localhost only unless told otherwise.
var demoClinic = []demoPerson{
	{Key: "admin", Role: account.RoleAdmin, Email: "admin@demo.haven.test", Name: "Alex Admin", Password: "harbor-admin-demo"},
	{Key: "rivera", Role: account.RoleClinician, Email: "dr.rivera@demo.haven.test", Name: "Dr. Sam Rivera", Password: "harbor-rivera-demo"},
	{Key: "okafor", Role: account.RoleClinician, Email: "dr.okafor@demo.haven.test", Name: "Dr. Ngozi Okafor", Password: "harbor-okafor-demo"},
	{Key: "lee", Role: account.RoleCounselor, Email: "counselor.lee@demo.haven.test", Name: "Jordan Lee", Password: "harbor-lee-demo"},
	{Key: "maya", Role: account.RolePatient, Email: "maya@demo.haven.test", Name: "Maya Patel", Password: "harbor-maya-demo", Team: []string{"rivera", "okafor"}},
	{Key: "tom", Role: account.RolePatient, Email: "tom@demo.haven.test", Name: "Tom Becker", Password: "harbor-tom-demo", Team: []string{"rivera"}},
	{Key: "ines", Role: account.RolePatient, Email: "ines@demo.haven.test", Name: "Inès Moreau", Password: "harbor-ines-demo", Team: []string{"okafor"}},
}

// cmdDemo seeds the demo clinic (idempotently), prints the logins, and
// serves.
func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("demo", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	c, err := openCore(ctx, cfg, stderr, coreOptions{createDB: true, migrate: true})
	if err != nil {
		return err
	}
	defer c.Close()
	secrets, err := seedDemo(ctx, c)
	if err != nil {
		return fmt.Errorf("seed demo clinic: %w", err)
	}
	printDemoLogins(stdout, cfg, secrets)
	return serve(ctx, c, stdout, seedDemoCare)
}

// seedDemoCare puts the demo's crisis counselors on call, so the crisis
// button reaches someone at any hour of the demo, and gives the clinic
// something to look at: visit types and weekday hours for each clinician,
// and for each patient a questionnaire due and (for Maya) a medication.
// Each piece is added only when its owner has none yet, so restarts do
// not pile up copies.
func seedDemoCare(ctx context.Context, n *node) error {
	ids := map[string]int64{}
	for _, p := range demoClinic {
		acct, err := n.accounts.AccountByEmail(ctx, p.Email)
		if err != nil {
			return err
		}
		ids[p.Key] = acct.ID
	}
	for _, p := range demoClinic {
		var err error
		switch p.Role {
		case account.RoleCounselor:
			err = n.crisis.SetSwitch(ctx, ids[p.Key], crisis.SwitchOn)
		case account.RoleClinician:
			err = seedDemoSchedule(ctx, n, account.Actor{UserID: ids[p.Key], Role: p.Role})
		case account.RolePatient:
			err = seedDemoPatient(ctx, n, ids[p.Key], account.Actor{UserID: ids[p.Team[0]], Role: account.RoleClinician}, p.Key == "maya")
		}
		if err != nil {
			return fmt.Errorf("demo care for %s: %w", p.Email, err)
		}
	}
	return nil
}

// demoZone is the demo clinic's time zone.
const demoZone = "America/New_York"

// seedDemoSchedule gives a clinician two visit types and weekday hours.
func seedDemoSchedule(ctx context.Context, n *node, clinician account.Actor) error {
	types, err := n.visits.VisitTypes(ctx, clinician, clinician.UserID)
	if err != nil || len(types) > 0 {
		return err
	}
	for _, t := range []visits.VisitType{
		{ClinicianID: clinician.UserID, Name: "Therapy session", Minutes: 50, Modality: visits.Video},
		{ClinicianID: clinician.UserID, Name: "Check-in", Minutes: 25, Modality: visits.InPerson},
	} {
		if _, err := n.visits.AddVisitType(ctx, clinician, t); err != nil {
			return err
		}
	}
	av := visits.Availability{Zone: demoZone}
	for d := time.Monday; d <= time.Friday; d++ {
		av.Weekly = append(av.Weekly, visits.WeeklyHours{Weekday: d, Start: "09:00", End: "17:00"})
	}
	return n.visits.SetAvailability(ctx, clinician, clinician.UserID, av)
}

// seedDemoPatient assigns a PHQ-9 every two weeks (due now) and, when
// withMedication, records a daily medication from the patient's first
// clinician.
func seedDemoPatient(ctx context.Context, n *node, patientID int64, clinician account.Actor, withMedication bool) error {
	assigned, err := n.measures.Assignments(ctx, clinician, patientID)
	if err != nil {
		return err
	}
	if len(assigned) == 0 {
		if _, err := n.measures.Assign(ctx, clinician, measures.AssignRequest{PatientID: patientID, Instrument: "phq9",
			Due: time.Now(), Zone: demoZone, EveryDays: 14}); err != nil {
			return err
		}
	}
	if !withMedication {
		return nil
	}
	current, err := n.meds.List(ctx, clinician, patientID)
	if err != nil || len(current) > 0 {
		return err
	}
	_, err = n.meds.Add(ctx, clinician, patientID, meds.MedicationInput{Name: "Sertraline", Dose: "50 mg",
		Instructions: "Once a day with breakfast.", DailyTimes: []string{"08:00"}, Zone: demoZone,
		Start: time.Now().AddDate(0, -1, 0).Format(time.DateOnly)})
	return err
}

// seedDemo creates the demo accounts and care teams that are missing and
// enrolls staff in TOTP. It returns each staff member's TOTP secret, kept in
// the data dir so later runs can print it again.
func seedDemo(ctx context.Context, c *core) (map[string]string, error) {
	ids := map[string]int64{}
	op := account.Operator()
	for _, p := range demoClinic {
		acct, err := c.accounts.AccountByEmail(ctx, p.Email)
		if err != nil {
			acct, err = c.accounts.CreateAccount(ctx, op, account.NewAccount{Role: p.Role, Email: p.Email, DisplayName: p.Name, Password: p.Password})
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Email, err)
		}
		ids[p.Key] = acct.ID
	}
	admin := account.Actor{UserID: ids["admin"], Role: account.RoleAdmin}
	for _, p := range demoClinic {
		for _, k := range p.Team {
			if err := c.accounts.AddToCareTeam(ctx, admin, ids[p.Key], ids[k]); err != nil {
				return nil, fmt.Errorf("care team of %s: %w", p.Email, err)
			}
		}
	}
	return enrollDemoStaff(ctx, c)
}

// enrollDemoStaff enrolls each staff account that has no authenticator yet,
// as a person would (sign in, begin, confirm with a code), and returns all
// known secrets.
func enrollDemoStaff(ctx context.Context, c *core) (map[string]string, error) {
	path := filepath.Join(c.cfg.DataDir, "demo-totp.txt")
	secrets := readDemoSecrets(path)
	for _, p := range demoClinic {
		if p.Role == account.RolePatient {
			continue
		}
		res, err := c.accounts.SignIn(ctx, p.Email, p.Password, "127.0.0.1", "portal demo")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Email, err)
		}
		if res.Session.State == account.StateEnrollmentRequired {
			enr, err := c.accounts.BeginEnrollment(ctx, res.Token)
			if err != nil {
				return nil, err
			}
			code, err := account.TOTPCode(enr.Secret, time.Now())
			if err != nil {
				return nil, err
			}
			if _, err := c.accounts.ConfirmEnrollment(ctx, res.Token, code, "127.0.0.1", "portal demo"); err != nil {
				return nil, fmt.Errorf("%s: enroll: %w", p.Email, err)
			}
			secrets[p.Email] = enr.Secret
		}
		_ = c.accounts.SignOut(ctx, res.Token)
	}
	if err := writeDemoSecrets(path, secrets); err != nil {
		return nil, err
	}
	return secrets, nil
}

// readDemoSecrets reads "email secret" lines; a missing file is empty.
func readDemoSecrets(path string) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(data), "\n") {
		if email, secret, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			out[email] = secret
		}
	}
	return out
}

// writeDemoSecrets stores the demo's TOTP secrets (0600) in the data dir.
func writeDemoSecrets(path string, secrets map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	var b strings.Builder
	for _, p := range demoClinic {
		if s, ok := secrets[p.Email]; ok {
			fmt.Fprintf(&b, "%s %s\n", p.Email, s)
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// printDemoLogins prints every demo login, with TOTP secrets for staff.
func printDemoLogins(w io.Writer, cfg *config, secrets map[string]string) {
	fmt.Fprintf(w, "\nHaven demo clinic — open %s\n\n", cfg.PublicURL)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "role\temail\tpassword\tTOTP secret (add to an authenticator app)")
	for _, p := range demoClinic {
		secret := "-"
		if p.Role != account.RolePatient {
			secret = secrets[p.Email]
			if secret == "" {
				secret = "(enroll at first sign-in)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Role, p.Email, p.Password, secret)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nStaff sign in with a 6-digit code: `oathtool --totp -b SECRET` prints one.")
}
