//go:build !linux

package pgtest

import "os/exec"

// setParentDeathSignal is Linux-only; elsewhere a killed test process may leave its cluster.
func setParentDeathSignal(*exec.Cmd) {}
