package media

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// pionLogs routes Pion's scoped loggers into slog: Pion errors become
// warnings, warnings debug lines, and its chatty levels are dropped. Pion
// logs addresses and protocol states, never media or user content.
type pionLogs struct{ log *slog.Logger }

// NewLogger implements logging.LoggerFactory.
func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{f.log.With("pion", scope)}
}

type pionLogger struct{ log *slog.Logger }

func (l pionLogger) emit(level slog.Level, format string, args ...any) {
	if !l.log.Enabled(context.Background(), level) {
		return
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	l.log.Log(context.Background(), level, msg)
}

// The logging.LeveledLogger methods.

func (pionLogger) Trace(string)                {}
func (pionLogger) Tracef(string, ...any)       {}
func (pionLogger) Debug(string)                {}
func (pionLogger) Debugf(string, ...any)       {}
func (pionLogger) Info(string)                 {}
func (pionLogger) Infof(string, ...any)        {}
func (l pionLogger) Warn(msg string)           { l.emit(slog.LevelDebug, "%s", msg) }
func (l pionLogger) Warnf(f string, a ...any)  { l.emit(slog.LevelDebug, f, a...) }
func (l pionLogger) Error(msg string)          { l.emit(slog.LevelWarn, "%s", msg) }
func (l pionLogger) Errorf(f string, a ...any) { l.emit(slog.LevelWarn, f, a...) }
