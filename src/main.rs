fn main() -> std::process::ExitCode {
    dira::cli::run()
}
