//! FLV tag bodies, the payload of RTMP audio and video messages: H.264 in AVCC form (each NAL
//! unit behind its 4-byte length) and raw AAC, each kind announced once by a sequence header.
//! x264 and FFmpeg's AAC encoder hand us Annex B NAL units and an AudioSpecificConfig.

/// FLV codec id of H.264 and the AVC packet types.
const AVC: u8 = 7;
const AVC_SEQUENCE_HEADER: u8 = 0;
const AVC_NALU: u8 = 1;
/// AAC, 44 kHz, 16-bit, stereo: FLV's fixed first byte for every AAC tag (players read the
/// real rate and channel count from the AudioSpecificConfig).
const AAC_TAG: u8 = 0xAF;
const AAC_SEQUENCE_HEADER: u8 = 0;
const AAC_RAW: u8 = 1;

/// The NAL units of an Annex B stream, in order, without start codes or the zero bytes that
/// may pad a unit before the next start code (a NAL unit never ends in a zero byte).
fn nal_units(annex_b: &[u8]) -> impl Iterator<Item = &[u8]> {
    let start_code = memchr::memmem::Finder::new(&[0, 0, 1]);
    let mut rest = match start_code.find(annex_b) {
        Some(at) => &annex_b[at + 3..],
        None => &[][..],
    };
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (unit, tail) = match start_code.find(rest) {
            Some(at) => (&rest[..at], &rest[at + 3..]),
            None => (rest, &[][..]),
        };
        rest = tail;
        let end = unit.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        Some(&unit[..end])
    })
    .filter(|nal| !nal.is_empty())
}

/// The AVC sequence header tag body: an AVCDecoderConfigurationRecord built from the SPS and
/// PPS in x264's global header. `None` if the header holds no SPS or PPS.
pub fn avc_sequence_header(out: &mut Vec<u8>, extradata: &[u8]) -> Option<()> {
    let (mut sps, mut pps) = (None, None);
    for nal in nal_units(extradata) {
        match nal[0] & 0x1f {
            7 if sps.is_none() => sps = Some(nal),
            8 if pps.is_none() => pps = Some(nal),
            _ => {}
        }
    }
    let (sps, pps) = (sps?, pps?);
    if sps.len() < 4 {
        return None;
    }
    out.clear();
    out.extend_from_slice(&[0x10 | AVC, AVC_SEQUENCE_HEADER, 0, 0, 0]);
    // Version 1, profile, compatibility, level; 4-byte NAL lengths; one SPS, one PPS.
    out.extend_from_slice(&[1, sps[1], sps[2], sps[3], 0xff, 0xe1]);
    out.extend_from_slice(&(sps.len() as u16).to_be_bytes());
    out.extend_from_slice(sps);
    out.push(1);
    out.extend_from_slice(&(pps.len() as u16).to_be_bytes());
    out.extend_from_slice(pps);
    Some(())
}

/// A video tag body for one access unit: frame type, composition time offset (pts − dts in
/// ms) and every NAL unit behind its length.
pub fn avc_frame(out: &mut Vec<u8>, keyframe: bool, composition_ms: i32, annex_b: &[u8]) {
    out.clear();
    let frame_type = if keyframe { 0x10 } else { 0x20 };
    let cts = composition_ms.to_be_bytes();
    out.extend_from_slice(&[frame_type | AVC, AVC_NALU, cts[1], cts[2], cts[3]]);
    for nal in nal_units(annex_b) {
        out.extend_from_slice(&(nal.len() as u32).to_be_bytes());
        out.extend_from_slice(nal);
    }
}

/// The AAC sequence header tag body: the encoder's AudioSpecificConfig.
pub fn aac_sequence_header(out: &mut Vec<u8>, audio_specific_config: &[u8]) {
    out.clear();
    out.extend_from_slice(&[AAC_TAG, AAC_SEQUENCE_HEADER]);
    out.extend_from_slice(audio_specific_config);
}

/// An audio tag body for one raw AAC frame.
pub fn aac_frame(out: &mut Vec<u8>, frame: &[u8]) {
    out.clear();
    out.extend_from_slice(&[AAC_TAG, AAC_RAW]);
    out.extend_from_slice(frame);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPS: [u8; 6] = [0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9];
    const PPS: [u8; 4] = [0x68, 0xeb, 0xe3, 0xcb];

    #[test]
    fn the_sequence_header_carries_sps_and_pps_with_profile_and_level() {
        let mut extradata = vec![0, 0, 0, 1];
        extradata.extend_from_slice(&SPS);
        extradata.extend_from_slice(&[0, 0, 1]);
        extradata.extend_from_slice(&PPS);
        let mut tag = Vec::new();
        avc_sequence_header(&mut tag, &extradata).unwrap();
        let mut expected = vec![0x17, 0, 0, 0, 0, 1, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0, 6];
        expected.extend_from_slice(&SPS);
        expected.extend_from_slice(&[1, 0, 4]);
        expected.extend_from_slice(&PPS);
        assert_eq!(tag, expected);
        assert!(
            avc_sequence_header(&mut tag, &[0, 0, 1, 0x68, 1]).is_none(),
            "no SPS"
        );
    }

    #[test]
    fn start_codes_become_lengths_and_trailing_zeros_stay_out() {
        // An SEI behind a 4-byte start code, a slice behind a 3-byte one whose payload ends in
        // a zero byte followed by the next start code's leading zero.
        let annex_b = [
            0, 0, 0, 1, 0x06, 5, 1, 0, 0, 1, 0x65, 0x88, 0x80, 0, 0, 0, 1, 0x41, 9,
        ];
        let mut tag = Vec::new();
        avc_frame(&mut tag, true, 66, &annex_b);
        assert_eq!(
            tag,
            [
                0x17, 1, 0, 0, 66, 0, 0, 0, 3, 0x06, 5, 1, 0, 0, 0, 3, 0x65, 0x88, 0x80, 0, 0, 0,
                2, 0x41, 9
            ]
        );
        avc_frame(&mut tag, false, -33, &[0, 0, 1, 0x41, 7]);
        assert_eq!(tag, [0x27, 1, 0xff, 0xff, 0xdf, 0, 0, 0, 2, 0x41, 7]);
    }

    #[test]
    fn aac_tags_carry_the_config_then_raw_frames() {
        let mut tag = Vec::new();
        aac_sequence_header(&mut tag, &[0x11, 0x90]);
        assert_eq!(tag, [0xaf, 0, 0x11, 0x90]);
        aac_frame(&mut tag, &[0x21, 0x10]);
        assert_eq!(tag, [0xaf, 1, 0x21, 0x10]);
    }
}
