package main

import (
	"fmt"
	"strings"

	"github.com/offsync/offsync/server/contracttest"
)

// verdict is the end of offsync-check's report.
type verdict struct {
	works   bool
	missing int // Better checks that failed
	text    string
}

// judge says whether the server works with offsync (every Needed check passed) and lists, once
// per missing part, what breaks (Needed) or what the client does instead (Better).
func judge(checks []contracttest.Check, results []*checkT) verdict {
	var needed, neededFailed, better, betterFailed, skipped int
	var broken, missing []string
	seen := map[string]bool{}
	for i, c := range checks {
		r := results[i]
		if c.Tier == contracttest.Needed {
			needed++
		} else {
			better++
		}
		switch {
		case r.skipped && !r.failed:
			skipped++
		case !r.failed:
		case c.Tier == contracttest.Needed:
			neededFailed++
			broken = append(broken, fmt.Sprintf("  - %s: without it %s", c.Name, c.Without))
		default:
			betterFailed++
			if !seen[c.Missing] {
				seen[c.Missing] = true
				missing = append(missing, fmt.Sprintf("  - %s: %s", c.Missing, c.Without))
			}
		}
	}
	var b strings.Builder
	v := verdict{works: neededFailed == 0, missing: betterFailed}
	if v.works {
		fmt.Fprintf(&b, "\nVerdict: WORKS with offsync: all %d needed checks passed.\n", needed)
	} else {
		fmt.Fprintf(&b, "\nVerdict: DOES NOT WORK with offsync: %d of %d needed checks failed:\n%s\n", neededFailed, needed, strings.Join(broken, "\n"))
	}
	switch {
	case betterFailed == 0 && skipped == 0:
		fmt.Fprintf(&b, "All %d optional checks passed too.\n", better)
	case betterFailed == 0:
		fmt.Fprintf(&b, "The optional checks passed (%d skipped).\n", skipped)
	default:
		fmt.Fprintf(&b, "%d of %d optional checks failed; missing, and what the client does without it:\n%s\n", betterFailed, better, strings.Join(missing, "\n"))
	}
	v.text = b.String()
	return v
}
