package main

import (
	"flag"
	"io"
)

// parseConfig declares the shared config flags plus any the command adds
// through extra, parses args, and returns the validated config.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (*config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	build, err := registerConfigFlags(fs, getenv)
	if err != nil {
		return nil, nil, err
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	cfg, err := build()
	return cfg, fs, err
}
