package org.bitweb.cli;

import picocli.CommandLine.Command;

import java.io.IOException;

/** {@code bitweb doctor}: runs {@link Doctor}, which follows the chain a browser follows. */
@Command(name = "doctor",
        header = "Check the install: host manifests, launcher, Java, engine, gateway.",
        description = {
            "Follows what a browser follows, host manifest -> launcher -> jar and Java -> engine -> "
                    + "gateway, and for the first broken link says how to mend it. Exit code 1 when something is broken."},
        footerHeading = "%nExamples:%n",
        footer = {"  bitweb doctor"})
final class DoctorCommand extends Subcommand {
    @Override
    public Integer call() throws IOException {
        return new Doctor(open(), out(), io().env(), io().os()).run();
    }
}
