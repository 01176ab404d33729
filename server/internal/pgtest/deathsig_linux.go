package pgtest

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel kill cmd when the test process dies.
func setParentDeathSignal(cmd *exec.Cmd) { cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL }
