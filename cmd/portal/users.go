package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"haven/portal/account"
)

// cmdUsers dispatches "portal users add|invite|disable".
func cmdUsers(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: portal users add|invite|disable [flags]")
	}
	switch args[0] {
	case "add":
		return usersAdd(ctx, args[1:], getenv, stdout, stderr)
	case "invite":
		return usersInvite(ctx, args[1:], getenv, stdout, stderr)
	case "disable":
		return usersDisable(ctx, args[1:], getenv, stdout, stderr)
	}
	return fmt.Errorf("unknown users command %q (add, invite, disable)", args[0])
}

// usersAdd creates an account. The password comes from --password-file, or
// a strong one is generated and printed once.
func usersAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var role, email, name, pwFile string
	cfg, _, err := parseConfig("users add", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "patient, clinician, counselor or admin")
		fs.StringVar(&email, "email", "", "sign-in email")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&pwFile, "password-file", "", "read the password from this file (default: generate one and print it)")
	})
	if err != nil {
		return err
	}
	if role == "" || email == "" || name == "" {
		return errors.New("users add needs --role, --email and --name")
	}
	password, generated, err := readOrGeneratePassword(pwFile)
	if err != nil {
		return err
	}
	c, err := openCore(ctx, cfg, stderr, coreOptions{migrate: !cfg.NoMigrate})
	if err != nil {
		return err
	}
	defer c.Close()
	acct, err := c.accounts.CreateAccount(ctx, account.Operator(), account.NewAccount{
		Role: account.Role(role), Email: email, DisplayName: name, Password: password,
	})
	if err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "created %s account %d for %s\n", acct.Role, acct.ID, acct.Email)
	if generated {
		fmt.Fprintf(stdout, "password (shown once): %s\n", password)
	}
	if acct.Role != account.RolePatient {
		fmt.Fprintln(stdout, "staff set up their authenticator (TOTP) at first sign-in")
	}
	return nil
}

// usersInvite prints a one-time invitation link for a new patient; the
// inviting clinician's care team takes the patient in.
func usersInvite(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var email, name, by string
	cfg, _, err := parseConfig("users invite", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the patient's email")
		fs.StringVar(&name, "name", "", "the patient's display name")
		fs.StringVar(&by, "by", "", "email of the inviting clinician or admin")
	})
	if err != nil {
		return err
	}
	if email == "" || name == "" || by == "" {
		return errors.New("users invite needs --email, --name and --by")
	}
	c, err := openCore(ctx, cfg, stderr, coreOptions{migrate: !cfg.NoMigrate})
	if err != nil {
		return err
	}
	defer c.Close()
	inviter, err := c.accounts.AccountByEmail(ctx, by)
	if err != nil {
		return userError(err)
	}
	token, err := c.accounts.Invite(ctx, account.Actor{UserID: inviter.ID, Role: inviter.Role}, email, name)
	if err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "invitation link (one use, 7 days): %s\n", invitationLink(cfg, token))
	return nil
}

// usersDisable disables an account and ends its sessions.
func usersDisable(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var email string
	cfg, _, err := parseConfig("users disable", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the account's email")
	})
	if err != nil {
		return err
	}
	if email == "" {
		return errors.New("users disable needs --email")
	}
	c, err := openCore(ctx, cfg, stderr, coreOptions{migrate: !cfg.NoMigrate})
	if err != nil {
		return err
	}
	defer c.Close()
	acct, err := c.accounts.AccountByEmail(ctx, email)
	if err != nil {
		return userError(err)
	}
	if err := c.accounts.Disable(ctx, account.Operator(), acct.ID); err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "disabled account %d; its sessions are ended\n", acct.ID)
	return nil
}

// invitationLink is the URL a patient opens to accept an invitation. The
// token travels in the fragment, which browsers never send to servers or in
// Referer headers.
func invitationLink(cfg *config, token string) string {
	return strings.TrimSuffix(cfg.PublicURL.String(), "/") + "/invite#" + token
}

// readOrGeneratePassword reads the first line of path, or generates a
// random 20-character password when path is empty.
func readOrGeneratePassword(path string) (password string, generated bool, err error) {
	if path == "" {
		b := make([]byte, 15)
		if _, err := rand.Read(b); err != nil {
			return "", false, err
		}
		return strings.ToLower(base32.StdEncoding.EncodeToString(b)), true, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false, fmt.Errorf("password file: %w", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimRight(line, "\r"), false, nil
}
