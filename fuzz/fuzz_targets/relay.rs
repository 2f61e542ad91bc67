#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| xxgk_fuzz::relay(bytes));
