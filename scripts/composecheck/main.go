// composecheck loads compose files with compose-go, the loader behind
// `docker compose config`, because no compose CLI can be installed on machines
// without a Docker engine and a hand-written schema check would miss what the
// loader rejects (undefined services or volumes, bad interpolation, depends_on
// conditions). A file it accepts is one `docker compose` accepts.
//
// Usage: composecheck FILE [FILE...]. Variables are interpolated from the
// process environment only: a stray .env must not make the check pass.
// On success it prints the normalized project as JSON (anchors merged,
// variables interpolated) for the semantic checks in test/deploy/.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: composecheck FILE [FILE...]")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(os.Args[1:], cli.WithOsEnv, cli.WithName("sagashop"))
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
