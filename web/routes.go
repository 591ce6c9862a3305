package web

import (
	"net/http"

	"haven/portal/account"
)

// routes lists every route of the edge. Other packages add theirs with
// Handle.
func (s *Server) routes() {
	admin := account.RoleAdmin
	inviters := []account.Role{account.RoleAdmin, account.RoleClinician}

	// Operations.
	s.Handle("GET /healthz", http.HandlerFunc(s.handleHealthz))
	s.Handle("GET /readyz", http.HandlerFunc(s.handleReadyz))
	s.Handle("GET /metrics", s.metricsHandler())

	// The UI shell: one page for every app path, hashed assets, and the
	// root files browsers look for.
	for _, p := range []string{"/{$}", "/signin", "/mfa", "/mfa/setup", "/invite", "/home", "/settings", "/messages", "/chat", "/inbox"} {
		s.Handle("GET "+p, http.HandlerFunc(s.handlePage))
	}
	s.Handle("GET /assets/{bundle}/{path...}", http.HandlerFunc(s.handleAsset))
	s.Handle("GET /sw.js", s.handleRootFile("sw.js"))
	s.Handle("GET /manifest.webmanifest", s.handleRootFile("manifest.webmanifest"))

	// Sessions and two-step sign-in. These work before the second factor;
	// everything below them needs a full session.
	s.Handle("GET /api/session", s.api(s.handleSessionGet))
	s.Handle("POST /api/session", s.api(s.handleSignIn))
	s.Handle("DELETE /api/session", s.api(s.handleSignOut))
	s.Handle("POST /api/session/mfa", s.api(s.handleCompleteMFA))
	s.Handle("POST /api/mfa/enroll", s.api(s.handleEnroll))
	s.Handle("POST /api/mfa/confirm", s.api(s.handleConfirmEnrollment))
	s.Handle("POST /api/invitations/accept", s.api(s.handleAcceptInvitation))

	s.Handle("POST /api/session/everywhere", s.authed(s.handleSignOutEverywhere))
	s.Handle("GET /api/me", s.authed(s.handleMe))
	s.Handle("GET /api/me/patients", s.authed(s.handleMyPatients, account.RoleClinician))
	s.Handle("GET /api/me/access-log", s.authed(s.handleAccessLog, account.RolePatient))
	s.Handle("POST /api/invitations", s.authed(s.handleInvite, inviters...))
	s.Handle("GET /api/patients/{id}/care-team", s.authed(s.handleCareTeam))
	s.Handle("POST /api/patients/{id}/break-glass", s.authed(s.handleBreakGlass, staff...))
	s.Handle("GET /api/admin/users", s.authed(s.handleListUsers, admin))
	s.Handle("POST /api/admin/users", s.authed(s.handleCreateUser, admin))
	s.Handle("POST /api/admin/users/{id}/disable", s.authed(s.handleDisableUser, admin))

	// Web push: the VAPID key, this user's devices and preferences.
	s.pushRoutes()

	// Visits and medications.
	s.visitsRoutes()
	s.medsRoutes()

	// Questionnaires, scores and mood; notes, plans and the safety plan
	// (their pages too).
	s.measuresRoutes()
	s.recordsRoutes()

	// Crisis: the crisis button, the patient's request, the counselor
	// console and manual escalation (their pages too).
	s.crisisRoutes()

	// Video sessions: starting one, a session's page, a visit's entry.
	s.videoRoutes()
}
