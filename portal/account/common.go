package account

import (
	_ "embed"
	"strings"
	"sync"
)

// commonPasswordsText is the word list of Openwall's password.lst (3,545
// words, the most common passwords seen 1996–2011, "assumed to be in the
// public domain" per its header), taken from Debian's john-data 1.9.0-2
// package (/usr/share/john/password.lst) with the #!comment header and the
// empty entry removed.
//
//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is built once from the embedded list, lower-cased.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	words := strings.Split(commonPasswordsText, "\n")
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		if w = strings.TrimSpace(w); w != "" {
			m[strings.ToLower(w)] = struct{}{}
		}
	}
	return m
})

// isCommonPassword reports whether password, ignoring case and surrounding
// spaces, is on the common-password list.
func isCommonPassword(password string) bool {
	_, ok := commonPasswords()[strings.ToLower(strings.TrimSpace(password))]
	return ok
}
