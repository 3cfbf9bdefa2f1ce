"""Words for an explicit language choice ("can you speak Nepali?", "日本語で", "nepali ma bolnus").

Data only; `bot.language.requested_language` reads it. Latin entries are written folded
(lowercase, no diacritics, đ as d, no apostrophes) because messages are folded the same way
before matching; entries in other scripts are matched as they are, inside words, since those
scripts do not separate words with spaces. To support a new way of asking, add its words here.
"""

from __future__ import annotations

# The name of each language, as a worker may write it in any of the 12 input languages.
NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "english", "ingles", "inggris", "bahasa inggris", "bhs inggris", "tieng anh",
        "angreji", "angrezi", "eigo", "英語", "えいご", "エイゴ", "英语", "英文",
        "अंग्रेजी", "अङ्ग्रेजी", "အင်္ဂလိပ်", "ภาษาอังกฤษ", "อังกฤษ", "ភាសាអង់គ្លេស",
        "អង់គ្លេស",
    ),
    "ja": (
        "japanese", "nihongo", "japones", "bahasa jepang", "bhs jepang", "tieng nhat",
        "japani", "wikang hapon", "日本語", "にほんご", "ニホンゴ", "日语", "日語", "日文",
        "जापानी", "ဂျပန်", "ภาษาญี่ปุ่น", "ญี่ปุ่น", "ភាសាជប៉ុន", "ជប៉ុន",
    ),
    "ja@easy": (
        "easy japanese", "simple japanese", "plain japanese", "yasashii nihongo",
        "kantan na nihongo", "やさしい日本語", "やさしいにほんご", "優しい日本語", "易しい日本語",
        "かんたんな日本語", "かんたんなにほんご", "かんたんな にほんご", "簡単な日本語",
        "简单日语", "簡單日語", "简单的日语", "簡單的日語", "简单日文", "簡單日文",
        "tieng nhat don gian", "tieng nhat de hieu", "tieng nhat de", "bahasa jepang sederhana",
        "bahasa jepang mudah", "japones facil", "japones simples", "japones sencillo",
        "madaling japanese", "madaling hapon", "sajilo japani", "सजिलो जापानी",
        "ဂျပန်စာ ရိုးရိုး", "ဂျပန် ရိုးရိုး", "ภาษาญี่ปุ่นง่ายๆ", "ภาษาญี่ปุ่นแบบง่าย",
        "ญี่ปุ่นง่ายๆ", "ភាសាជប៉ុនងាយៗ", "ភាសាជប៉ុនងាយ", "ជប៉ុនងាយ",
    ),
    "vi": (
        "vietnamese", "vietnam", "tieng viet", "vietnamita", "bahasa vietnam", "bhiyatnami",
        "betonamugo", "ベトナム語", "べとなむご", "越南语", "越南語", "越南文", "भियतनामी",
        "ဗီယက်နမ်", "ภาษาเวียดนาม", "เวียดนาม", "ភាសាវៀតណាម", "វៀតណាម",
    ),
    "zh": (
        "chinese", "mandarin", "chino", "chines", "mandarim", "bahasa mandarin", "bahasa cina",
        "bahasa tionghoa", "tieng trung", "tieng hoa", "intsik", "chuugokugo", "chugokugo",
        "中国語", "ちゅうごくご", "中文", "汉语", "漢語", "华语", "華語", "普通话", "普通話",
        "国语", "國語", "中国话", "中國話", "चिनियाँ", "တရုတ်", "ภาษาจีน", "จีน", "ភាសាចិន",
        "ចិន",
    ),
    "tl": (
        "tagalog", "filipino", "pilipino", "wikang filipino", "wikang tagalog", "tagalo",
        "bahasa tagalog", "bahasa filipina", "tieng philippines", "tieng tagalog",
        "tagarogugo", "タガログ語", "フィリピン語", "他加禄语", "他加祿語", "菲律宾语",
        "菲律賓語", "တဂါလော့", "ภาษาตากาล็อก", "ภาษาฟิลิปปินส์", "ភាសាតាកាឡុក",
        "ភាសាហ្វីលីពីន",
    ),
    "ne": (
        "nepali", "nepalese", "nepales", "bahasa nepal", "tieng nepal", "nepa rugo",
        "neparugo", "ネパール語", "尼泊尔语", "尼泊爾語", "नेपाली", "နီပေါ", "ภาษาเนปาล",
        "ភាសានេប៉ាល់",
    ),
    "id": (
        "indonesian", "indo", "bahasa indonesia", "bhs indonesia", "bahasa indo", "bhs indo",
        "indonesio", "tieng indonesia", "tieng indo", "indoneshiago", "インドネシア語",
        "印尼语", "印尼語", "印度尼西亚语", "印度尼西亞語", "इन्डोनेसियाली", "အင်ဒိုနီးရှား",
        "ภาษาอินโดนีเซีย", "ភាសាឥណ្ឌូនេស៊ី",
    ),
    "pt": (
        "portuguese", "portugues", "portugues do brasil", "bahasa portugis", "portugis",
        "tieng bo dao nha", "porutogarugo", "ポルトガル語", "葡萄牙语", "葡萄牙語", "葡语",
        "पोर्चुगिज", "पोर्तुगाली", "ပေါ်တူဂီ", "ภาษาโปรตุเกส", "ភាសាព័រទុយហ្គាល់",
    ),
    "my": (
        "burmese", "myanmar", "birmanes", "birmano", "bahasa myanmar", "tieng myanmar",
        "tieng mien dien", "myanmago", "ミャンマー語", "ビルマ語", "缅甸语", "緬甸語",
        "बर्मेली", "မြန်မာ", "ဗမာ", "ภาษาพม่า", "พม่า", "ភាសាភូមា",
    ),
    "th": (
        "tailandes",
        "thai", "bahasa thai", "tieng thai", "taigo", "タイ語", "泰语", "泰語",
        "थाई", "ထိုင်း", "ภาษาไทย", "ไทย", "ភាសាថៃ", "ថៃ",
    ),
    "km": (
        "khmer", "cambodian", "camboyano", "cambojano", "jemer", "bahasa khmer",
        "tieng khmer", "tieng campuchia", "kumerugo", "クメール語", "カンボジア語", "高棉语",
        "高棉語", "柬埔寨语", "柬埔寨語", "खमेर", "ခမာ", "ภาษาเขมร", "เขมร", "ភាសាខ្មែរ", "ខ្មែរ",
    ),
    "es": (
        "spanish", "espanol", "castellano", "espanhol", "espanyol", "kastila",
        "bahasa spanyol", "spanyol", "tieng tay ban nha", "supeingo", "スペイン語", "西班牙语",
        "西班牙語", "西语", "स्पेनिस", "स्पेनी", "စပိန်", "ภาษาสเปน", "ភាសាអេស្ប៉ាញ",
    ),
}

# "I don't understand / can't read / X is hard": the language named next to these is the one
# the worker does NOT want ("i dont understand english, tagalog?").
NEGATIONS: tuple[str, ...] = (
    "not", "dont", "don t", "cant", "cannot", "can not", "no understand", "hard", "difficult",
    "わからない", "分からない", "わかりません", "分かりません", "読めない", "よめない",
    "むずかしい", "難しい", "wakaranai", "wakarimasen", "yomenai", "muzukashii",
    "看不懂", "听不懂", "聽不懂", "不懂", "太难", "太難", "不会", "不會",
    "ko biet", "khong biet", "k biet", "ko hieu", "khong hieu", "k hieu", "ko doc duoc",
    "ko doc dc", "khong doc duoc", "kho qua",
    "di ako marunong", "hindi ako marunong", "hindi ko maintindihan", "di ko maintindihan",
    "di ko gets", "hirap",
    "bujhdina", "bujhina", "bujhdaina", "aaudaina", "audaina", "gahro", "बुझ्दिन", "बुझिन",
    "आउँदैन", "गाह्रो",
    "gak ngerti", "ga ngerti", "nggak ngerti", "ngga ngerti", "tidak mengerti", "tdk ngerti",
    "gak paham", "tidak paham", "susah",
    "n entendo", "nao entendo", "n leio", "nao leio", "nao falo", "dificil",
    "no entiendo", "no leo", "no hablo",
    "နားမလည်", "မဖတ်တတ်",
    "ไม่เข้าใจ", "อ่านไม่ออก", "ไม่ออก", "ไม่รู้", "ยาก",
    "មិនយល់", "ពិបាក",
)

# Words that may surround a language name in a request, in any of the 12 languages: a message
# made only of names, these words and punctuation is an explicit choice; one other word
# ("I want to STUDY Japanese") and it is not.
CUES: tuple[str, ...] = (
    # English
    "please", "pls", "plz", "pl", "speak", "talk", "write", "reply", "answer", "respond", "use",
    "can", "could", "you", "we", "i", "me", "my", "in", "to", "into", "change", "switch", "set",
    "the", "a", "language", "languages", "lang", "want", "would", "like", "prefer", "have",
    "do", "does", "is", "are", "there", "ok", "okay", "only", "just", "mode", "version",
    "read", "translate", "setting", "settings", "thanks", "thank", "so", "lets", "let s",
    "also", "instead", "again", "understand", "well", "good", "bot", "chat", "maybe", "or",
    "other", "another", "something", "yes", "sorry", "fine", "too",
    # Japanese
    "で", "に", "を", "が", "は", "も", "の", "か", "お願い", "おねがい", "します", "しますか",
    "ください", "下さい", "して", "話して", "はなして", "話せる", "はなせる", "話せますか",
    "はなせますか", "書いて", "かいて", "できますか", "できる", "できない", "ある", "あります",
    "ありますか", "変えて", "変えたい", "かえて", "かえたい", "変更", "切り替え", "切り替えて",
    "表示", "言語", "げんご", "ことば", "言葉", "設定", "いい", "ほしい", "欲しい", "ですか",
    "です", "大丈夫", "対応", "返事", "答えて", "使って", "使える", "にして", "よ", "ね",
    "de", "ni", "wo", "o", "ga", "wa", "onegai", "onegaishimasu", "shite", "hanashite",
    "hanaseru", "hanasemasu", "dekimasu", "dekiru", "ka", "kaite", "kaetai", "gengo",
    "henkou", "ii", "hoshii", "desu",
    # Chinese
    "说", "說", "讲", "講", "用", "换", "換", "换成", "換成", "切换", "切換", "切换成", "切換成",
    "改成", "改", "可以", "能", "吗", "嗎", "吧", "呢", "请", "請", "我", "要", "想", "你",
    "会", "會", "回答", "回复", "回覆", "语言", "語言", "设置", "設置", "设定", "版", "简体",
    "簡體", "繁体", "繁體", "字", "好吗", "好嗎", "有", "没有", "沒有", "了", "的", "好",
    "写", "寫", "给", "給", "我们", "我們", "行", "行吗", "行嗎",
    # Vietnamese (folded)
    "noi", "bang", "dung", "chuyen", "sang", "doi", "qua", "cho", "toi", "minh", "em", "e",
    "anh", "chi", "ban", "co", "ko", "khong", "k", "duoc", "dc", "a", "nhe", "nha", "di",
    "voi", "nhan", "tin", "viet", "ngon ngu", "chon", "muon", "tra loi", "giup", "gium", "ad",
    "admin", "xin", "vui long", "lam on", "oi", "cung", "doc", "hieu", "biet", "khac",
    # Tagalog
    "po", "pwede", "puwede", "pede", "ba", "bang", "mag", "magsalita", "marunong", "ka",
    "kayo", "ko", "ako", "gusto", "na", "lang", "nlng", "nalang", "nmn", "naman", "paki",
    "pakisuyo", "sa", "ng", "ang", "palit", "palitan", "iba", "ibang", "iba pong", "wika",
    "salita", "meron", "may", "mayroon", "sana", "sna", "tayo", "di", "hindi", "nyo", "niyo",
    # Nepali
    "ma", "pani", "bolnu", "bolnus", "bolnuhos", "bolna", "bolnuhuncha", "bhana", "bhannus",
    "lekha", "lekhnus", "lekhnuhos", "pathau", "pathaunus", "aaucha", "aauchha", "aaunchha",
    "aucha", "milcha", "milchha", "mildaina", "hai", "bhasa", "bhasha", "malai", "mero",
    "garnu", "paryo", "garnus", "garnuhos", "cha", "chha", "aru", "arko", "sakchau",
    "sakchhau", "ta", "dai", "didi", "sir", "yo", "la", "kripaya", "ni", "hunchha", "huncha",
    "मा", "भाषा", "भाषामा", "बोल्नुस्", "बोल्नुहोस्", "बोल्न", "लेख्नुहोस्", "लेख्नुस्", "लेख",
    "भन्नुस्", "भन्नुस", "भन", "बदल्नुस्", "बदल्न", "मिल्छ", "न", "पनि", "परिवर्तन", "फेर",
    "अर्को", "छ", "मलाई", "कृपया", "गर्नुहोस्", "पठाउनुस्",
    # Indonesian
    "pakai", "pake", "bisa", "ganti", "ke", "dong", "aja", "saja", "tolong", "tlg", "mau",
    "ingin", "pilih", "ada", "gak", "nggak", "ga", "enggak", "ngga", "yg", "ya", "min", "kak",
    "mas", "mbak", "ubah", "bahasanya", "bahasa", "bhs", "dalam", "sy", "saya", "aku", "gw",
    "dengan", "yang", "nya", "lain", "diganti", "jadi", "kita", "tidak",
    # Portuguese / Spanish
    "por favor", "pfv", "pf", "porfa", "xfa", "fala", "falar", "falam", "voce", "vc", "tem",
    "em", "pra", "para", "o", "do", "da", "de", "muda", "mudar", "trocar", "troca", "idioma",
    "lingua", "quero", "pode", "responder", "responde", "escreve", "escrever", "escreva",
    "prefiro", "ser", "por", "outra", "outro", "eu", "no", "na", "obrigado", "brasil",
    "habla", "hablas", "hablar", "puedes", "usted", "tu", "en", "el", "la", "cambiar",
    "cambia", "cambio", "lengua", "escribe", "escribeme", "escribir", "prefiero", "se",
    "hay", "mi", "tienes", "tiene", "xq", "pq", "porque", "y", "e", "mas", "si", "sim",
    "quiero", "quisiera", "puede", "puedo", "podria", "gracias", "lo", "los", "las",
    # Burmese
    "လို", "ပြောပါ", "ပြော", "ရလား", "ရ", "နဲ့", "ရေး", "ရေးပေးပါ", "ပေးပါ", "ပေး", "ပြောင်း",
    "ပြောင်းပေး", "ပြောင်းချင်တယ်", "ဘာသာစကား", "ဘာသာ", "စာ", "ပဲ", "ပို့ပေး", "ပို့", "ပြ",
    "ပြပေး", "ပါ", "လား", "တတ်", "မရဘူးလား", "ဖြင့်", "ချင်တယ်", "လေး", "လို့",
    "ဘူး", "ဒါ", "ဘာသာပြန်", "ပြီး",
    # Thai
    "ขอ", "ภาษา", "พูด", "ได้", "ไหม", "มั้ย", "ป่ะ", "มี", "เปลี่ยน", "เป็น", "หน่อย", "พิมพ์",
    "ตอบ", "ครับ", "ค่ะ", "คะ", "จ้า", "จ้ะ", "นะ", "อยาก", "อยากได้", "ใช้", "คุย", "กัน",
    "เถอะ", "ให้", "ช่วย", "เขียน", "อ่าน", "ตอนนี้", "อะไร", "อ่ะ", "แบบ",
    # Khmer
    "ភាសា", "សូម", "ប្តូរ", "ប្ដូរ", "ជា", "និយាយ", "បាន", "អត់", "បង", "មាន", "ទេ", "ចង់", "វិញ",
    "ទៅ", "សុំ", "អាច", "ឆ្លើយ", "សរសេរ", "មក", "ជ្រើសរើស", "កំណត់", "មេត្តា", "បាទ", "ចាស",
    "ខ្ញុំ", "អាន", "មើល", "អក្សរ", "ឲ្យ", "អោយ",
)

# Phrases that contain a language name but are no request: Vietnamese "có thai" is "pregnant".
NOT_REQUESTS: tuple[str, ...] = (
    "co thai", "mang thai", "thai san", "thai ky", "pha thai", "thai nhi",
)
