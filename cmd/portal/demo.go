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
// button reaches someone at any hour of the demo.
func seedDemoCare(ctx context.Context, n *node) error {
	for _, p := range demoClinic {
		if p.Role != account.RoleCounselor {
			continue
		}
		acct, err := n.accounts.AccountByEmail(ctx, p.Email)
		if err != nil {
			return err
		}
		if err := n.crisis.SetSwitch(ctx, acct.ID, crisis.SwitchOn); err != nil {
			return fmt.Errorf("put %s on call: %w", p.Email, err)
		}
	}
	return nil
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
