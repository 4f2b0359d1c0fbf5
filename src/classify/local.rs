//! Programs and shell builtins that are plainly local and read-only.
//!
//! A guard that asks before `ls` gets switched off, so these come out Read. Left out on
//! purpose: anything that runs other commands or code (`awk` has `system()`, GNU `sed` has
//! `e`, `find` has `-exec`, pagers have `!`), and anything that deletes or moves files.

pub(crate) fn is_local_read_only(name: &str) -> bool {
    matches!(
        name,
        // Output and inspection.
        "ls" | "cat" | "echo" | "printf" | "pwd" | "printenv" | "head" | "tail" | "wc"
            | "sort" | "uniq" | "cut" | "tr" | "column" | "diff" | "cmp" | "file" | "stat"
            | "basename" | "dirname" | "realpath" | "readlink" | "date" | "whoami" | "id"
            | "hostname" | "uname" | "which" | "type" | "seq" | "sleep" | "true" | "false"
            | "md5sum" | "sha1sum" | "sha256sum" | "base64" | "jq" | "yq" | "grep" | "egrep"
            | "fgrep" | "rg" | "test" | "[" | "[["
            // Shell builtins that only change the shell itself.
            | "cd" | "pushd" | "popd" | "export" | "declare" | "typeset" | "local" | "readonly"
            | "unset" | "set" | "shift" | "read" | "exit" | "return" | ":" | "wait"
    )
}
