package dev.matgrad.sample;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The operating system's reason for a failed file operation, in words: Java's file exceptions
 * carry it only for some errors and otherwise name the exception and the path.
 */
final class FileProblems {
  private FileProblems() {}

  /** Why {@code e} happened to {@code path}: "permission denied", "read-only file system", …. */
  static String reason(IOException e, Path path) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "a part of the path is not a folder";
    }
    if (e instanceof FileAlreadyExistsException f) {
      return (f.getFile() == null ? "the path" : f.getFile()) + " exists and is not a folder";
    }
    if (e instanceof NoSuchFileException) {
      Path parent = path.toAbsolutePath().getParent();
      // ENOENT where the parent folder exists: a file system that holds no user files (/proc).
      if (parent != null && Files.isDirectory(parent)) {
        return parent + " does not allow new files or folders in it";
      }
      return "no such file or folder";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return lowerFirst(f.getReason());
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : lowerFirst(message);
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
  }
}
