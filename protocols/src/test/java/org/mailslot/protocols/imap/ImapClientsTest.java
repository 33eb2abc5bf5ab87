package org.mailslot.protocols.imap;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Real clients: Python's imaplib (a scripted suite with exact checks) and Angus Mail. */
class ImapClientsTest {
    @TempDir
    Path dir;

    @Test
    void pythonImaplibSuite() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            server.account("alice@example.com");
            Path script = dir.resolve("imaplib_suite.py");
            try (InputStream in = getClass().getResourceAsStream("imaplib_suite.py")) {
                Files.copy(in, script);
            }
            Process p = new ProcessBuilder("python3", script.toString(), String.valueOf(server.port()),
                    "alice@example.com", ImapTestServer.PASSWORD).redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).as(out).contains("ALL OK");
            assertThat(p.exitValue()).isZero();
        }
    }

    @Test
    void angusMailFoldersAppendFetchFlags() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            server.account("alice@example.com");
            server.deliver(server.directory.findAccount("alice@example.com").orElseThrow(), ImapTestServer.message("from smtp", "hello\r\n"));
            Properties props = new Properties();
            props.put("mail.imap.host", "127.0.0.1");
            props.put("mail.imap.port", String.valueOf(server.port()));
            props.put("mail.imap.timeout", "10000");
            Session session = Session.getInstance(props);
            Store store = session.getStore("imap");
            store.connect("alice@example.com", ImapTestServer.PASSWORD);
            try {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_WRITE);
                assertThat(inbox.getMessageCount()).isEqualTo(1);
                Message m = inbox.getMessage(1);
                assertThat(m.getSubject()).isEqualTo("from smtp");
                assertThat(((String) m.getContent()).trim()).isEqualTo("hello");
                m.setFlag(Flags.Flag.FLAGGED, true);
                assertThat(inbox.getMessage(1).isSet(Flags.Flag.FLAGGED)).isTrue();

                Folder work = store.getFolder("Work");
                assertThat(work.create(Folder.HOLDS_MESSAGES)).isTrue();
                MimeMessage draft = new MimeMessage(session);
                draft.setFrom(new InternetAddress("alice@example.com"));
                draft.setSubject("appended");
                draft.setText("text body");
                work.appendMessages(new Message[]{draft});
                work.open(Folder.READ_ONLY);
                assertThat(work.getMessageCount()).isEqualTo(1);
                assertThat(work.getMessage(1).getSubject()).isEqualTo("appended");
                work.close(false);
                inbox.copyMessages(new Message[]{m}, work);
                assertThat(store.getFolder("Work").getMessageCount()).isEqualTo(2);
                m.setFlag(Flags.Flag.DELETED, true);
                inbox.close(true);
                assertThat(store.getFolder("INBOX").getMessageCount()).isZero();
                assertThat(store.getDefaultFolder().list("*")).extracting(Folder::getFullName).contains("INBOX", "Work", "Sent");
            } finally {
                store.close();
            }
        }
    }
}
