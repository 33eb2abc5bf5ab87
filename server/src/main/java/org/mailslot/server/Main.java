package org.mailslot.server;

import org.mailslot.core.config.ConfigException;
import org.mailslot.directory.DirectoryException;
import org.mailslot.server.admin.AdminCommand;
import org.mailslot.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mailslot} command line. */
@Command(name = "mailslot", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An email hosting platform: SMTP, LMTP and POP3 over replicated slots.",
        subcommands = {DemoCommand.class, RunCommand.class, AdminCommand.class, ConfigCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage error, 3 not found, 4 already exists,",
                "5 invalid input, 6 not empty or in use, 7 unavailable, 8 bad configuration.",
                "Developers: './mailslot test' runs the test suite (see README.md)."})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        return cl;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        String message = e.getMessage();
        int code = switch (e) {
            case DirectoryException d -> switch (d.reason()) {
                case NOT_FOUND -> ExitCode.NOT_FOUND;
                case EXISTS -> ExitCode.EXISTS;
                case INVALID -> ExitCode.INVALID;
                case NOT_EMPTY -> ExitCode.NOT_EMPTY;
                case UNAVAILABLE -> ExitCode.UNAVAILABLE;
            };
            case StoreException s -> switch (s.reason()) {
                case NOT_FOUND -> ExitCode.NOT_FOUND;
                case EXISTS -> ExitCode.EXISTS;
                case INVALID, SPECIAL_USE, OVER_QUOTA -> ExitCode.INVALID;
                case IO -> ExitCode.FAILURE;
                case NOT_MASTER -> ExitCode.UNAVAILABLE;
            };
            case ConfigException c -> {
                message = "configuration error: " + c.getMessage();
                yield ExitCode.CONFIG;
            }
            case UsageException u -> ExitCode.USAGE;
            default -> {
                message = e.getClass().getSimpleName() + ": " + e.getMessage();
                yield ExitCode.FAILURE;
            }
        };
        cl.getErr().println("mailslot: " + message);
        if (code == ExitCode.FAILURE && System.getenv("MAILSLOT_DEBUG") != null) {
            e.printStackTrace(cl.getErr());
        }
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"mailslot " + (v == null ? "(development build)" : v)};
        }
    }
}
