package org.bitweb.comments;

import org.bitweb.store.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One append-only file of frames, {@code <type byte> <varint length> <payload> <CRC32C of the
 * three>}, written at its end and forced to disk before a write is reported done. A crash can
 * only cut the last frame short or leave garbage after it: {@link #open} keeps every whole frame
 * whose checksum matches, in order, and cuts the file at the first that does not. Space taken by
 * frames no longer wanted is given back by {@link #rewrite}, which writes the frames still wanted
 * to a new file and renames it over the old one, so a crash leaves either file whole.
 */
final class RecordLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordLog.class);
    /** No frame is larger: a record is at most 6 KiB; a bigger length is damage. */
    static final int MAX_PAYLOAD = 64 * 1024;

    /** One frame as read back: where its payload starts in the file. */
    record Frame(byte type, long offset, byte[] payload) {
    }

    /** Receives the frames of the file in order, at open and after a rewrite. */
    interface Reader {
        void frame(Frame frame);
    }

    private final Path file;
    private FileChannel channel;
    private long end;

    private RecordLog(Path file) {
        this.file = file;
    }

    /** Opens (or creates) the log and hands every whole frame to {@code reader}; cuts a damaged tail. */
    static RecordLog open(Path file, Reader reader) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        RecordLog recordLog = new RecordLog(file);
        recordLog.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        recordLog.end = recordLog.scan(reader);
        long size = recordLog.channel.size();
        if (recordLog.end < size) {
            log.warn("{}: cutting {} damaged bytes at its end (an interrupted write); every record before them is kept",
                    file, size - recordLog.end);
            recordLog.channel.truncate(recordLog.end);
            recordLog.channel.force(true);
        }
        return recordLog;
    }

    /** Reads frames from the start, streaming; returns where the last whole, unbroken frame ends. */
    private long scan(Reader reader) throws IOException {
        channel.position(0);
        java.io.InputStream in = new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(channel), 1 << 16);
        long pos = 0;
        while (true) {
            long start = pos;
            int type = in.read();
            if (type < 0) {
                return start;
            }
            CRC32C crc = new CRC32C();
            crc.update(type);
            long length = 0;
            int shift = 0;
            while (true) {
                int b = in.read();
                if (b < 0 || shift > 28) {
                    return start;
                }
                crc.update(b);
                length |= (long) (b & 0x7f) << shift;
                pos++;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
            }
            pos++; // the type byte
            if (length > MAX_PAYLOAD) {
                return start;
            }
            byte[] payload = in.readNBytes((int) length);
            byte[] stored = in.readNBytes(4);
            if (payload.length < length || stored.length < 4) {
                return start;
            }
            crc.update(payload);
            if ((int) crc.getValue() != ByteBuffer.wrap(stored).getInt()) {
                return start;
            }
            reader.frame(new Frame((byte) type, pos, payload));
            pos += length + 4;
        }
    }

    /** The bytes of one frame, as {@link #append} writes them. */
    static byte[] frame(byte type, byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a frame holds at most " + MAX_PAYLOAD + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 10);
        out.write(type);
        Bin.varint(out, payload.length);
        out.writeBytes(payload);
        CRC32C crc = new CRC32C();
        byte[] head = out.toByteArray();
        crc.update(head);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    /** Where the payload of {@code frame} starts within it. */
    static int payloadStart(byte[] frame) {
        int pos = 1;
        while ((frame[pos] & 0x80) != 0) {
            pos++;
        }
        return pos + 1;
    }

    /**
     * Appends frames and forces them to disk (one force for the lot).
     *
     * @return the file offset of each frame's payload
     */
    synchronized long[] append(List<byte[]> frames) throws IOException {
        long[] offsets = new long[frames.size()];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long at = end;
        for (int i = 0; i < frames.size(); i++) {
            byte[] frame = frames.get(i);
            offsets[i] = at + payloadStart(frame);
            out.writeBytes(frame);
            at += frame.length;
        }
        ByteBuffer buffer = ByteBuffer.wrap(out.toByteArray());
        long pos = end;
        while (buffer.hasRemaining()) {
            pos += channel.write(buffer, pos);
        }
        channel.force(false);
        end = at;
        return offsets;
    }

    /** Reads the payload of a frame back. */
    byte[] read(long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        long pos = offset;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw new IOException(file + " ends before the record at " + offset);
            }
            pos += n;
        }
        return buffer.array();
    }

    long size() {
        return end;
    }

    /** A frame for {@link #rewrite}: new bytes, or the payload of a frame of the current file. */
    record Copy(byte type, byte[] payload, long offset, int length) {
        static Copy of(byte type, byte[] payload) {
            return new Copy(type, payload, -1, payload.length);
        }

        static Copy existing(byte type, long offset, int length) {
            return new Copy(type, null, offset, length);
        }
    }

    /**
     * Replaces the file with {@code frames}: written to a temporary file beside it, forced, and
     * renamed over it (a crash leaves the old file or the new one), then read again through
     * {@code reader} so that offsets can be taken anew. Streams: holds one record at a time.
     */
    synchronized void rewrite(List<Copy> frames, Reader reader) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 java.io.OutputStream stream = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(out), 1 << 16)) {
                for (Copy copy : frames) {
                    byte[] payload = copy.payload() != null ? copy.payload() : read(copy.offset(), copy.length());
                    stream.write(frame(copy.type(), payload));
                }
                stream.flush();
                out.force(true);
            }
            channel.close();
            AtomicFiles.move(temp, file);
            AtomicFiles.syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
            if (!channel.isOpen()) {
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
        }
        end = scan(reader);
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
