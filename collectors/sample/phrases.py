"""Wording for the synthetic sample data set: sentence templates, slot fillers, names and
decorations. Data only; ``generate.py`` decides which piece is used where and when.

A template is one line of a ``Block``. ``{slot}`` placeholders are filled from ``SLOTS``;
a trailing digit (``{city_cn2}``) draws a second, independent value from the same list.
A block applies to one time window (named in ``generate.WINDOWS``; ``any`` is timeless),
one topic and one tone (``*`` matches every topic or tone) and optionally to some
platforms only. Repeating a value in a slot list makes it more likely.
"""

from __future__ import annotations

from typing import NamedTuple

# fmt: off
# Hand-laid data tables: one template per line, several short values per line.


class Block(NamedTuple):
    """Templates (one per line of ``text``) for one window, topic, tone and platform set."""

    window: str
    topic: str
    tone: str
    text: str
    platforms: tuple[str, ...] = ()


OUTSIDE = ("tiktok", "x", "reddit", "bluesky", "youtube", "mastodon")
"""Platforms where people talk *about* RedNote rather than post on it."""

SHORT_FORM = ("tiktok", "x", "bluesky", "youtube", "rednote")

# --------------------------------------------------------------------------- slots

SLOTS: dict[str, tuple[str, ...]] = {
    "app": ("TikTok",) * 8 + ("tiktok", "TT", "Tiktok"),
    "alt_app": (
        "RedNote", "RedNote", "Xiaohongshu", "Lemon8", "Lemon8", "Instagram Reels", "Reels",
        "YouTube Shorts", "Shorts", "Bluesky", "Clapper", "Instagram",
    ),
    "cn_app": ("RedNote",) * 5 + ("Xiaohongshu", "Xiaohongshu", "RedNote (Xiaohongshu)", "小红书", "rednote",
                                  "Little Red Book", "XHS"),
    "owner": ("ByteDance", "ByteDance", "ByteDance", "the parent company", "TikTok's Chinese parent company"),
    "buyer": (
        "Elon Musk", "Musk", "X", "Oracle", "Larry Ellison", "Microsoft", "MrBeast", "Steven Mnuchin",
        "Frank McCourt's group", "a US investor group", "Perplexity", "some random billionaire",
        "Kevin O'Leary",
    ),
    "lawmakers": ("Congress", "Congress", "lawmakers", "the Senate", "DC", "Washington", "politicians"),
    "capitol": ("Congress", "Congress", "DC", "Washington", "the Senate", "the House"),
    "law": (
        "the ban law", "the divest-or-ban law", "the TikTok law", "PAFACA", "the foreign adversary apps law",
        "the law Congress passed last April",
    ),
    "users": ("170 million", "170 million", "170M", "over 150 million", "a hundred and seventy million"),
    "gov_cn": ("the CCP", "the Chinese government", "Beijing", "the Chinese Communist Party", "China"),
    "data_thing": (
        "our data", "your location data", "contact lists", "browsing history", "biometric data",
        "keystroke data", "every click and scroll", "my data",
    ),
    "other_company": (
        "Meta", "Facebook", "Instagram", "Google", "data brokers", "every US app", "Amazon",
        "their car insurance",
    ),
    "relative": ("mom", "dad", "grandma", "little brother", "coworker", "roommate", "aunt", "best friend"),
    "us_state": (
        "Ohio", "Texas", "Michigan", "Florida", "Arizona", "Georgia", "Oregon", "Kentucky", "Minnesota",
        "New Jersey", "Tennessee", "North Carolina", "California", "Iowa", "Colorado", "Alabama",
    ),
    "city_us": (
        "Columbus", "Houston", "Detroit", "Phoenix", "Atlanta", "Portland", "Tulsa", "Boise", "Denver",
        "Nashville", "Chicago", "Sacramento", "Pittsburgh", "St. Louis", "San Antonio", "Brooklyn",
    ),
    "city_cn": (
        "Shanghai", "Beijing", "Chengdu", "Chongqing", "Guangzhou", "Shenzhen", "Hangzhou", "Wuhan",
        "Xi'an", "Harbin", "Changsha", "Nanjing", "Qingdao", "Xiamen", "Suzhou", "Kunming",
    ),
    "food_cn": (
        "hot pot", "dumplings", "malatang", "jianbing", "mapo tofu", "xiaolongbao", "hand-pulled noodles",
        "tomato and egg stir fry", "Chongqing noodles", "rou jia mo", "bubble tea", "luosifen",
    ),
    "food_us": (
        "mac and cheese", "biscuits and gravy", "chili", "grilled cheese", "tacos", "meatloaf",
        "rotisserie chicken", "pancakes", "buffalo wings", "tuna casserole", "pot roast", "sloppy joes",
    ),
    "pay": (
        "rent", "rent", "health insurance", "groceries", "childcare", "car insurance", "electricity",
        "internet",
    ),
    "pet": (
        "cat", "cat", "orange cat", "two cats", "corgi", "rescue dog", "old man cat", "hamster", "chihuahua",
    ),
    "biz": (
        "small business", "candle shop", "crochet shop", "vintage resale shop", "bakery", "nail business",
        "handmade jewelry shop", "skincare line", "book account", "cooking page", "dog treat business",
        "sticker shop", "thrift flipping business", "hair salon",
    ),
    "followers": ("2k", "9k", "12k", "40k", "85k", "200k", "310k", "600k", "1.2 million", "4k"),
    "income_share": (
        "half my income", "most of my income", "a third of my sales", "70% of my orders", "my whole rent",
        "all of my side income", "about 80% of my revenue",
    ),
    "years": ("five years", "four years", "three years", "two years", "six years", "years"),
    "genre": ("fantasy", "mystery", "sci-fi", "romance", "nonfiction", "horror"),
    "show": (
        "Severance", "that new Netflix show", "the new season", "Squid Game", "The Traitors", "Love Island",
    ),
    "n": ("2", "3", "4", "5", "6", "7", "10", "12"),
    "hours": ("12", "12", "14", "13", "11"),
    # Chinese
    "zh_city": (
        "上海", "北京", "成都", "重庆", "广州", "深圳", "杭州", "武汉", "西安", "哈尔滨", "长沙", "南京",
        "青岛", "厦门", "苏州", "昆明", "天津", "大连",
    ),
    "zh_food": (
        "火锅", "麻辣烫", "小笼包", "煎饼果子", "螺蛳粉", "肉夹馍", "热干面", "烤鸭", "串串", "酸菜鱼",
        "凉皮", "麻辣香锅", "锅包肉", "肠粉",
    ),
    "zh_phrase": ("你好", "谢谢", "加油", "好吃", "牛", "绝绝子", "干饭", "拜拜", "早上好", "没问题", "yyds"),
    "zh_catname": ("咪咪", "橘子", "煤球", "团子", "豆豆", "年糕", "布丁", "可乐", "大橘", "奶糖"),
    "zh_state": ("德州", "加州", "纽约", "俄亥俄", "佛罗里达", "密歇根", "亚利桑那", "田纳西"),
    "zh_rent": ("两千块", "三千五", "1800块", "四千多", "两千出头", "五千"),
    "zh_hobby": ("穿搭", "美妆", "探店", "健身", "读书", "手账", "烘焙", "追剧"),
    "zh_pay": ("房租", "医保", "看病", "学费", "油费", "保险"),
    "zh_buyer": ("马斯克", "马斯克", "甲骨文", "微软", "野兽先生", "美国财团", "美国投资人"),
    "pet_name": (
        "Mochi", "Biscuit", "Luna", "Oliver", "Pumpkin", "Milo", "Pepper", "Nugget", "Garfield", "Bean",
        "Toast", "Leo",
    ),
    "en_name": (
        "Emily", "Sarah", "Jake", "Ashley", "Mike", "Jessica", "Tyler", "Hannah", "Chris", "Olivia", "Nina",
        "Brandon", "Megan", "Dylan", "Kayla", "Grace", "Luke", "Amber", "Sophie", "Ben",
    ),
}

SLOT_VALUES_SINCE: dict[str, dict[str, str]] = {
    "alt_app": {"RedNote": "since_exodus", "Xiaohongshu": "since_exodus"},
    "buyer": {
        "Elon Musk": "since_musk_report", "Musk": "since_musk_report", "X": "since_musk_report",
        "MrBeast": "since_exodus", "Perplexity": "since_ruling", "Oracle": "since_order",
        "Larry Ellison": "since_order", "Microsoft": "since_order",
    },
    "zh_buyer": {
        "马斯克": "since_musk_report", "甲骨文": "since_order", "微软": "since_order",
        "野兽先生": "since_exodus",
    },
}
"""Slot values that only became part of the story at some point (a window where they may be used)."""

# --------------------------------------------------------------------------- English sentences

EN: tuple[Block, ...] = (
    # ------------------------------------------------------------ ban_politics
    Block("any", "ban_politics", "negative", """
        Congress can't pass a budget on time but they found the votes to ban {app}. Priorities.
        Banning an app that {users} Americans use is not the win {lawmakers} thought it was.
        {law} is such a bad precedent. Today it's {app}, tomorrow it's whatever app they don't like.
        Nobody I know asked for this ban. Not one person.
        They slipped this into a foreign aid package and now we all have to live with it.
        So the plan is to ban {app} and change nothing about how every other app treats us? Cool.
        I'm tired of people who can't explain how wifi works deciding which apps I'm allowed to use.
        This ban is pure theater. Nothing about it makes anyone safer.
        Every lawmaker who voted for {law} should have to explain it to a room full of small business owners.
        The whole {app} ban fight has killed what little faith I had left in {lawmakers}.
        Both parties spent a year on this {app} thing and I still can't afford {pay}.
        The government deciding which apps we get to use feels very un-American to me.
        Imagine being a senator and this is the hill you pick while {pay} costs keep going up.
        Nobody in {capitol} can give a straight answer on what the actual threat is.
        If the evidence is so damning, show us. Otherwise this is just politics.
    """),
    Block("any", "ban_politics", "neutral", """
        Can someone explain what {law} actually requires? Is it a ban or a forced sale?
        Reminder: the law doesn't ban using {app}, it bars app stores and hosts from supporting it.
        The divest-or-ban law passed with big bipartisan margins last April, which is why it's hard to undo.
        If the ban takes effect, does the app stop working right away or does it just stop getting updates?
        Reading the text of {law} tonight. It's shorter than I expected.
        Interesting that the ban is one of the few things both parties agreed on this session.
        What happens to people who already have {app} installed? Nobody seems to know for sure.
        Timeline as I understand it: law signed April 2024, deadline January 19, 2025.
        The legal question seems to be whether national security outweighs the speech concerns.
        Is this a ban on {app} or on {owner}? The wording matters here.
        The case is TikTok v. Garland if anyone wants to read the filings.
        Trying to figure out who actually enforces this. Apple and Google? The DOJ?
        Does the ban apply to the website too or only the app stores?
        Honest question for lawyers: can a president just decide not to enforce a law like this?
    """),
    Block("any", "ban_politics", "positive", """
        Honestly I'm fine with {law}. Foreign-controlled apps shouldn't get a free pass.
        Good. Sell it to an American company and everyone can keep their videos.
        Glad {lawmakers} finally did something bipartisan, even if it's about an app.
        Hot take: the ban might be the push people needed to get off their phones.
        The law is pretty reasonable when you read it: divest or leave.
        Whatever you think about the ban, it's good to see the courts take it seriously.
        A break from {app} will probably do wonders for my screen time.
        I like that the law gives them a way out. Sell the US business and nothing changes for users.
        Happy to see the system actually work through this in the open.
    """),
    # ------------------------------------------------------------ security_privacy
    Block("any", "security_privacy", "negative", """
        {gov_cn} having a way into {app} should worry everyone, not just politicians.
        People joking about 'my Chinese spy' forget that {owner} has to cooperate with {gov_cn} by law.
        The algorithm deciding what {users} Americans see is the real risk, not the dance videos.
        I don't care which country it is, nobody should be hoovering up {data_thing} like this.
        Funny how the same people panicking about {app} happily hand {data_thing} to {other_company}.
        Every app is spying on us. Banning one of them is not a privacy policy.
        If this were really about privacy, {lawmakers} would pass a real data privacy law. They won't.
        The propaganda angle worries me more than the data. You can shape a lot with a feed.
        Deleted {app} years ago because of the permissions it asked for. Still think that was right.
        The keystroke tracking stuff researchers found in the in-app browser was genuinely creepy.
        It's not paranoia when the company has already admitted employees accessed US user data.
        A foreign government quietly tuning what kids see every day is a nightmare scenario.
    """),
    Block("any", "security_privacy", "neutral", """
        Does anyone have a good explainer on what data {app} collects compared to Instagram?
        Project Texas was supposed to keep US user data on Oracle servers. Did that ever fully happen?
        The government's case is partly classified, which makes it hard to judge from the outside.
        Data privacy and foreign influence are two different arguments and people keep mixing them up.
        Serious question: what can {gov_cn} do with {data_thing} that a data broker couldn't sell them anyway?
        Checked the privacy settings on {app} and {alt_app} tonight. They ask for roughly the same stuff.
        So the concern is less about the data and more about who controls the recommendation algorithm?
        Went through the app permissions on my phone after all this. Lots of apps want my contacts.
        How would anyone even verify that the algorithm isn't being tuned from abroad?
        Would love to see an actual audit of what leaves the country and what doesn't.
    """),
    Block("any", "security_privacy", "positive", """
        Told my {relative} that if {gov_cn} wants to watch me make sourdough they're welcome to it 😂
        Waving hi to my Chinese spy, thanks for all the recipe recommendations.
        Glad someone is finally asking hard questions about where our data goes.
        At least this whole mess got people talking about data privacy for once.
        If it gets US data out of {owner}'s hands and onto US servers, good.
        Using this moment to finally clean up the app permissions on my phone. Feels good.
        My Chinese spy knows I watch cat videos at 3am and honestly they've earned that information.
        Nice to see privacy researchers getting airtime on the news for once.
    """),
    # ------------------------------------------------------------ free_speech
    Block("any", "free_speech", "negative", """
        Banning a platform that {users} Americans use to speak is a First Amendment problem, full stop.
        Funny how 'free speech' only matters when it's the right platform.
        Shutting down an app because you don't like what people say on it is censorship with extra steps.
        So we're doing state-mandated censorship now? Cool.
        {app} moderation was always weird, people saying 'unalived' to dodge filters. This doesn't fix that.
        Creators self-censored for years to please the algorithm and now the government pulls the plug anyway.
        Bans like this are what authoritarian governments do. We used to criticize that.
        Moderation on {alt_app} is even stricter. People are going to find out fast.
        The message this sends: say the wrong things on the wrong app and it disappears.
        Ban an app today, a website tomorrow. I don't like where this goes.
    """),
    Block("any", "free_speech", "neutral", """
        The First Amendment question is interesting: does the law target speech or ownership?
        1A lawyers seem split on whether the ban survives intermediate scrutiny.
        Is moderation on {alt_app} going to be stricter for Americans? Curious how that plays out.
        Not a lawyer, but the courts seem to treat this as a foreign ownership case, not a speech case.
        Does the government have to prove an actual harm or just a risk? That seems like the core question.
        There's a difference between the company's speech rights and the users' speech rights, apparently.
        Wondering how content moderation will change if an American company ends up owning {app}.
        Would a ban on a foreign-owned newspaper be treated the same way? Genuinely asking.
    """),
    Block("any", "free_speech", "positive", """
        Love seeing so many people suddenly care about the First Amendment.
        The free speech arguments creators made in their filings were honestly really well done.
        Whatever happens, this fight has been a great civics lesson for a lot of young people.
        Refreshing to see people from every political side defending free speech for once.
        Good to see free speech groups like the ACLU and the Knight Institute weigh in.
        Proud of the creators who went to court over this. That takes guts.
    """),
    # ------------------------------------------------------------ migration
    Block("any", "migration", "negative", """
        Trying {alt_app} and the algorithm just doesn't know me. I miss my feed.
        {alt_app} is not a replacement. The vibes are completely off.
        Years of drafts and saved videos and I have to start from scratch somewhere else. Exhausting.
        I don't want to move to another app. I just want my feed back.
        Downloaded {alt_app}, scrolled for ten minutes, deleted it. Not for me.
        Everyone is scattering to different apps and my little community is gone.
        Migrating again. First Vine, now this. I'm tired.
        {alt_app} feels like a mall that closed in 2009.
        Nothing recommends stuff like the {app} algorithm. Everything else feels broken.
    """),
    Block("any", "migration", "neutral", """
        Where is everyone going if {app} goes away? I've seen {alt_app} and {alt_app2} mentioned.
        Drop your {alt_app} handles below so we can find each other.
        Downloaded all my {app} videos just in case. Takes a while if you have a lot.
        Testing {alt_app} this week. Will report back.
        Anyone know if you can export your followers list from {app}?
        Made accounts on {alt_app} and {alt_app2} just to save my username.
        You can request your data from {app} under Settings > Account > Download your data.
        Which app has the closest algorithm to {app}? Asking for me.
        My whole group chat is split between {alt_app} and {alt_app2} now.
    """),
    Block("any", "migration", "positive", """
        Honestly {alt_app} has been kind of refreshing. Fewer ads, more real people.
        Found a bunch of my favorite creators on {alt_app} already. We'll be okay.
        Moving to {alt_app} feels like the early days of {app} again. Loving it.
        If {app} goes, I'm following my people wherever they land. We'll find each other.
        My {alt_app} feed is slowly getting good. There's hope.
        Not gonna lie, {alt_app} is growing on me.
    """),
    Block("since_exodus", "migration", "negative", """
        {cn_app} is cute but I can't read half the app and the translate button keeps breaking.
        The 'TikTok refugee' thing is funny until you remember {cn_app} is Chinese too. What's the point?
        Tried {cn_app}, got asked for my phone number, got confused, gave up.
        Everyone moving to {cn_app} out of spite is peak 2025 and I hate it here.
        Moving from one Chinese app to another to protest a ban on a Chinese app. Make it make sense.
        {cn_app} is not built for us and it shows. The search is a maze.
    """, OUTSIDE),
    Block("since_exodus", "migration", "neutral", """
        {cn_app} is #1 on the App Store right now. Lemon8 is up there too.
        So many Americans joined {cn_app} this week that the app is adding translation.
        Anyone else seeing {cn_app} at the top of the App Store charts?
        If you're joining {cn_app}, you can switch the app language to English in settings.
        Lemon8 and {cn_app} both climbed the charts this week. Both owned by Chinese companies, funny enough.
        Apparently something like 700,000 people joined {cn_app} in a couple of days.
        What's the deal with everyone calling themselves TikTok refugees?
        Is {cn_app} going to get banned next? Genuinely curious how that law works.
    """, OUTSIDE),
    Block("since_exodus", "migration", "positive", """
        TikTok refugees moving to {cn_app} out of pure spite is the funniest thing to happen this year.
        The {cn_app} migration is so wholesome. Chinese users are welcoming everyone with open arms.
        Joined {cn_app} as a TikTok refugee and already made three friends from {city_cn}.
        Never thought I'd be learning the {cn_app} interface in 2025 but here we are and it's fun.
        The collective decision to download {cn_app} overnight is the most internet thing ever.
        {cn_app} has been the most wholesome corner of the internet this week.
    """, OUTSIDE),
    # ------------------------------------------------------------ cultural_exchange
    Block("any", "cultural_exchange", "positive", """
        Learning Mandarin from actual people is so much better than any app lesson.
        Talking to regular people from {city_cn} beats any news segment about China.
        Real people talking to each other across borders instead of through governments. More of this.
        Someone from {city_cn} just recommended me a {genre} novel and I'm hooked.
        My language exchange partner in {city_cn} corrected my tones and I finally get it.
    """),
    Block("any", "cultural_exchange", "neutral", """
        Interesting how different the apps feel. Chinese users write way longer captions and guides.
        Someone compared {pay} costs in {city_us} and {city_cn} and the comments turned into a seminar.
        Does anyone have tips for learning Chinese characters as an adult?
    """),
    Block("any", "cultural_exchange", "negative", """
        Some of the comments from Americans are embarrassing. Please be respectful guests.
        People are way too naive about whose app they're on.
    """),
    Block("since_exodus", "cultural_exchange", "positive", """
        A user from {city_cn} just taught me how to make {food_cn} and I'm obsessed.
        The cat tax exchange between American and Chinese users is the best thing on the internet right now.
        Chinese users helping Americans with math homework, Americans helping with English. We love to see it.
        Someone from {city_cn} asked what Americans eat for breakfast and I had to explain {food_us}.
        Learned more Mandarin in three days on {cn_app} than in a semester of Duolingo.
        Never thought I'd be comparing {pay} costs with someone in {city_cn} at 2am but here we are.
        People from {city_cn} showing their apartments and groceries has been eye-opening.
        Paid my cat tax, got welcomed by like 200 people. {cn_app} is so sweet.
        The way Chinese users immediately asked for cat tax is sending me.
        An aunt from {city_cn} is now commenting on all my posts and I love her.
        A guy in {city_cn} explained his whole commute to me and now I want to visit.
        We're all just tired workers who like cats and food. Who knew.
    """, OUTSIDE),
    Block("since_exodus", "cultural_exchange", "negative", """
        The cost of living comparisons are depressing. Someone in {city_cn} pays less for {pay} than I do.
        Talking to actual people in China made me realize how many assumptions I had. Kind of upsetting.
        Some Americans on {cn_app} are being so rude in the comments. Be a good guest.
        The cultural exchange is nice, but people are way too naive about what app they're on.
        Seeing what people pay for {pay} elsewhere just makes me angry about prices here.
    """, OUTSIDE),
    Block("since_exodus", "cultural_exchange", "neutral", """
        Someone asked about healthcare costs in China vs the US and the comments turned into a whole seminar.
        Curious how long the US-China exchange on {cn_app} lasts once the novelty wears off.
        A lot of the posts are people comparing grocery prices in {city_us} and {city_cn}.
        The comments are half English, half Chinese and everyone is using translate.
        Is 'cat tax' the first international currency of the internet?
    """, OUTSIDE),
    # ------------------------------------------------------------ creators_business
    Block("any", "creators_business", "negative", """
        My {biz} makes {income_share} through {app} Shop. If it goes away I don't know what I'm doing.
        I have {followers} followers on {app} and about 300 everywhere else. Starting over is brutal.
        Brand deals are getting paused. Nobody wants a contract for an app that might not exist next week.
        Creators built real careers here and {lawmakers} treated it like a hobby.
        My {biz} gets almost all its customers from {app}. Instagram never worked for us.
        Watching my income disappear because of geopolitics is a special kind of stress.
        Spent {years} building an audience and one law can wipe it out. Brutal.
        Small sellers are going to get crushed while the big brands just shift budget elsewhere.
        Two of my brand partners canceled this week. This is real money for real people.
    """),
    Block("any", "creators_business", "neutral", """
        Any advice for moving a {biz} audience from {app} to {alt_app}?
        If you run a {biz} on {app} Shop, now's the time to collect emails and build a list.
        Marketing agencies are telling clients to move ad budgets to Reels and Shorts for Q1.
        Curious what happens to affiliate payouts if {app} shuts off mid-month.
        The creator fund was never enough to live on anyway. The real money is in brand deals and Shop.
        Anyone know how {app} Shop orders in progress would be handled in a shutdown?
        Working in social media marketing right now is just constant contingency planning.
        How many creators actually make a full-time living on {app}? Genuinely curious.
    """),
    Block("any", "creators_business", "positive", """
        Reminder to every creator: own your audience. Email lists, websites, multiple platforms.
        Shout out to everyone supporting small creators this week. Saw so many people buying from small shops.
        My {biz} actually did great on {alt_app} this week. Diversifying was the best decision I made.
        Seeing creators band together and share their other socials has been really heartwarming.
        Got three new customers for my {biz} from people who found me through my other accounts. Small wins.
        My {biz} just had its best week ever. People really showed up for small shops.
    """),
    # ------------------------------------------------------------ ownership_deal
    Block("any", "ownership_deal", "negative", """
        If the solution is selling {app} to {buyer}, I'd rather it just go away.
        So the choice is a Chinese company or a billionaire? Great options.
        Nobody should want {buyer} owning another social network.
        A sale doesn't fix anything if {owner} keeps the algorithm.
        Handing the app to whichever billionaire is friendliest with the White House is not a fix.
        Every proposed buyer is somehow worse than the last.
    """),
    Block("any", "ownership_deal", "neutral", """
        Would {owner} even be allowed to sell the algorithm? China has export rules for that.
        Who actually has the money to buy {app} US? The valuations I've seen are all over the place.
        {buyer} is reportedly interested in buying {app} US. No idea how serious that is.
        The deal question is really about the algorithm. Without it, what are you buying?
        If {buyer} buys {app}, does the app change at all for users?
        Valuations for {app} US range from $40 billion to over $100 billion depending on who you ask.
        How would a buyer even separate the US app from the global one?
        {owner} has said again and again it won't sell. Has that changed?
    """),
    Block("any", "ownership_deal", "positive", """
        A sale to {buyer} would honestly be the cleanest way out of this.
        If a US company buys it and the app stays the same, everybody wins.
        Hoping a deal gets done. Keep the app, keep the creators, fix the ownership.
        A deal with {buyer} could actually work if they keep the same team running it.
        Honestly a US buyer is the best case. Let's get it done.
    """),
    # ------------------------------------------------------------ other
    Block("any", "other", "negative", """
        My {pet} woke me up at 5am for no reason and now I'm useless.
        The price of {pay} right now is unreal.
        It's so cold today my car door froze shut.
        Is it just me or is this week taking forever?
        Three meetings that could have been emails. Today was a lot.
        Burned the {food_us}. Again.
        My phone screen cracked this morning and I'm choosing not to deal with it.
    """),
    Block("any", "other", "neutral", """
        Anyone have a good {genre} book recommendation?
        Coffee number three. Don't talk to me.
        Finally started watching {show}. No spoilers please.
        Gym was packed today, January resolutions are in full swing.
        Trying to decide between {food_us} and takeout tonight.
        What's everyone doing this weekend?
        Reorganized my whole closet today instead of doing actual work.
    """),
    Block("any", "other", "positive", """
        Made {food_us} for dinner and it was actually good for once.
        My {pet} just fell asleep on my keyboard and I don't have the heart to move them.
        Finished {show} and I have thoughts. Mostly good ones.
        Small win: I drank water today before coffee.
        Just found a twenty in an old jacket. Best day of the week.
        Sunny day after a week of gray. Feeling human again.
    """),
    # ------------------------------------------------------------ windowed: before the hearing
    Block("pre", "ban_politics", "negative", """
        The Supreme Court hears the {app} case on Friday and I'm already stressed.
        Less than three weeks until the {app} deadline and nobody knows what's going on.
        Starting 2025 with the possibility of my favorite app disappearing. Great.
        Can't believe we're really spending January waiting to see if {app} survives.
    """),
    Block("pre", "ban_politics", "neutral", """
        SCOTUS scheduled oral arguments in the {app} case for January 10. A decision could come fast.
        The deadline in the law is January 19, the day before the inauguration.
        Trump asked the Supreme Court to pause the deadline so he can negotiate a deal. Interesting move.
        What are the odds the Court blocks the law before the 19th?
        Countdown to the January 19 deadline has officially started I guess.
    """),
    Block("pre", "ban_politics", "positive", """
        Hoping the Court strikes this down on Friday. Fingers crossed.
        I have a good feeling about the hearing. The free speech argument is strong.
        New year, maybe a new ruling that saves {app}. Staying optimistic.
    """),
    Block("pre", "migration", "neutral", """
        Is anyone else already backing up their drafts in case the ban happens on the 19th?
        Planning my exit strategy in case {app} disappears later this month.
    """),
    Block("pre", "creators_business", "negative", """
        Two weeks out from a possible ban and brands are already going quiet on me.
        Nobody wants to book campaigns past January 19. My inbox is dead.
    """),
    # ------------------------------------------------------------ hearing (Jan 10-12)
    Block("hearing", "ban_politics", "negative", """
        Listened to the oral arguments. The justices did not sound sympathetic to {app} at all.
        Sounds like the Court is going to let the ban happen. Ugh.
        The hearing made it pretty clear {app} is in trouble.
        Nine days until the deadline and the Court didn't seem interested in saving it.
    """),
    Block("hearing", "ban_politics", "neutral", """
        Oral arguments in the {app} case are done. Most legal analysts think the law will be upheld.
        The justices seemed more focused on foreign control than on speech.
        Nine days until the deadline. The Court could rule any day now.
        Listened to the full argument today. Worth it if you care about how the Court thinks about this.
    """),
    Block("hearing", "ban_politics", "positive", """
        Still hopeful. The Court asked good questions on both sides.
        The {app} lawyers did a solid job today. It's not over yet.
    """),
    Block("hearing", "free_speech", "neutral", """
        Interesting that several justices kept separating the company's speech rights from the users'.
        The hearing spent a lot of time on whether the law targets content or control.
    """),
    # ------------------------------------------------------------ exodus (Jan 13-17)
    Block("exodus", "ban_politics", "negative", """
        {app} could be gone by Sunday and everyone's just waiting on the Court.
        Still no ruling and the deadline is days away. This limbo is awful.
    """),
    Block("exodus", "ban_politics", "neutral", """
        Still no ruling from SCOTUS. The deadline is Sunday.
        Reports say the Biden administration is looking for ways to keep {app} available past Sunday.
    """),
    Block("exodus", "ban_politics", "positive", """
        Watching everyone move to {cn_app} out of protest while we wait for the ruling is so funny.
        Still holding out hope the Court surprises everyone this week.
    """),
    # ------------------------------------------------------------ the Musk report
    Block("musk_report", "ownership_deal", "negative", """
        China reportedly considering selling {app} US to Musk? Absolutely not.
        Musk owning X and {app}? That is way too much power for one guy.
        The Musk rumor is the worst possible timeline.
    """),
    Block("musk_report", "ownership_deal", "neutral", """
        Report says Chinese officials are weighing a sale of {app}'s US business to Elon Musk. Wild.
        {app} called the Musk report 'pure fiction'. So who knows.
        If Musk bought {app}, would it get merged into X somehow?
    """),
    Block("musk_report", "ownership_deal", "positive", """
        Honestly a Musk deal would at least keep the app alive. I'll take it.
        If the Musk thing keeps {app} online, fine by me.
    """),
    # ------------------------------------------------------------ ruling (Jan 17 - dark)
    Block("ruling", "ban_politics", "negative", """
        The Supreme Court upheld the ban. Unanimously. I can't believe this is real.
        9-0. Not even close. {app} is done on Sunday.
        So that's it? The Court upheld the law and we just lose the app?
        Spent the whole day refreshing for the ruling and now I'm just sad.
        Unanimous. Not one justice thought this was a problem. Wow.
        Two days left on {app}. I genuinely feel sick about it.
    """),
    Block("ruling", "ban_politics", "neutral", """
        SCOTUS upheld {law} today in a unanimous unsigned opinion.
        The ruling means the ban takes effect Sunday unless someone steps in.
        The Biden White House says it will leave enforcement to the next administration.
        So what actually happens at midnight on Sunday? Does the app just stop?
        {app} says it will be forced to go dark on Sunday unless it gets clear assurances.
    """),
    Block("ruling", "ban_politics", "positive", """
        The Court upheld the law, which seems legally correct even if people are upset.
        Good ruling. Congress passed it, the courts upheld it, now sell the app.
        Trump says he'll decide what to do about {app} soon. Maybe there's still a way out.
    """),
    Block("ruling", "migration", "negative", """
        Last days on {app}. Saying goodbye to my feed like it's a person.
        Downloading every video I ever liked before Saturday night.
        My For You page was the one thing that got me. Now I have to leave it.
        Saved all my drafts to my camera roll. Feels like packing up a house.
    """),
    Block("ruling", "migration", "neutral", """
        If {app} goes dark Sunday, where should people find me? Drop yours below.
        Posting my {alt_app} and {alt_app2} handles in my bio before the shutdown.
    """),
    Block("ruling", "migration", "positive", """
        Goodbye {app}, thanks for the recipes, the chaos and the friends. See you on {alt_app}.
        Whatever happens Sunday, this app gave me some of my best years online.
    """),
    Block("ruling", "creators_business", "negative", """
        The ruling is in and my {biz} has maybe 48 hours of sales left. Unreal.
        Just told my two part-time employees I don't know if we'll have work next week.
    """),
    # ------------------------------------------------------------ dark (Jan 19 morning)
    Block("dark", "ban_politics", "negative", """
        Opened {app} and got the 'Sorry, TikTok isn't available right now' message. This is so bleak.
        It actually went dark. I didn't think they'd really do it.
        My feed is just gone. I keep refreshing like it's going to come back.
        The app is dead. The App Store listing is gone too. This is surreal.
        I've opened {app} six times this morning out of muscle memory.
    """),
    Block("dark", "ban_politics", "neutral", """
        {app} is down for US users. The message says a law banning TikTok has been enacted and mentions Trump.
        Confirmed: {app} went dark around 10:30pm Eastern and is gone from the App Store and Google Play.
        CapCut and Lemon8 are down too, apparently.
        Trump says he'll sign an order on Monday to delay the ban. Will the app come back before then?
    """),
    Block("dark", "ban_politics", "positive", """
        First night without {app} and I read a whole chapter of a book. Maybe it's fine.
        Honestly the morning without {app} was peaceful. Might keep it this way.
        Trump says an order is coming Monday. Hoping the app is back soon.
    """),
    Block("dark", "other", "negative", """
        Woke up, grabbed my phone, remembered {app} is gone. Weird morning.
        Scrolling Instagram because {app} is dead and it's just ads. Kill me.
    """),
    # ------------------------------------------------------------ back (Jan 19-20)
    Block("back", "ban_politics", "positive", """
        {app} is BACK. Shortest ban in history.
        It's back!!! I have never been so happy to see my For You page.
        We're so back. {app} restored service after {hours} hours.
        The app is working again and I'm weirdly emotional about it.
        My feed came back and it remembered me. I missed you.
    """),
    Block("back", "ban_politics", "neutral", """
        {app} says it's restoring service after Trump said he'd delay enforcement.
        The app is back but it's still missing from the App Store for new downloads.
        So {app} was dark for about {hours} hours. What happens now legally?
        The pop-up on the app now thanks President Trump for his efforts. Noted.
    """),
    Block("back", "ban_politics", "negative", """
        The app came back with a message thanking Trump. That's not creepy at all.
        So it was all a stunt? Go dark for half a day and come back thanking the incoming president?
        {app} being back doesn't mean anything is fixed. The law is still the law.
        Anyone else uncomfortable with how political the whole shutdown and return felt?
    """),
    Block("back", "migration", "neutral", """
        Now that {app} is back, are people staying on {cn_app} or going home?
        Half my feed is back on {app}, half is still on {cn_app}.
    """),
    Block("back", "migration", "positive", """
        Back on {app} but keeping {cn_app} for my new friends. Best of both worlds.
        The refugees can go home now, but we'll visit {cn_app} often.
    """, OUTSIDE),
    # ------------------------------------------------------------ the executive order and after
    Block("order", "ban_politics", "neutral", """
        Trump signed an executive order delaying enforcement of the {app} ban by 75 days.
        So the new deadline is early April? Mark your calendars I guess.
        Can an executive order actually pause a law Congress passed? Lawyers seem unsure.
        The order tells the Justice Department not to enforce the law for 75 days.
    """),
    Block("order", "ban_politics", "negative", """
        An executive order doesn't change the law. That's why Apple and Google still haven't put the app back.
        75 more days of limbo. Great.
        Ignoring a law the Supreme Court just upheld by executive order is a wild precedent.
    """),
    Block("order", "ban_politics", "positive", """
        75 days is enough time to make a deal. Feeling optimistic.
        Thank god for the extension. My business gets to breathe for a couple of months.
        The 75-day delay is the best news we've had all month.
    """),
    Block("order", "ownership_deal", "neutral", """
        Trump floated a joint venture where the US gets 50% of {app}. No idea how that would work.
        Now there's talk of {buyer} buying it. The 75-day clock is ticking.
        Trump says he'd like Larry Ellison to buy {app}. Oracle already hosts the US data, so maybe?
    """),
    Block("since_order", "ownership_deal", "neutral", """
        Reports say Microsoft is in talks about {app} too. This is 2020 all over again.
        Trump said something about a sovereign wealth fund buying {app}? What?
        Every week there's a new rumored buyer. {buyer} this week.
    """),
    Block("after", "ban_politics", "neutral", """
        Still no clear answer on what happens in April with {app}.
        Feels like everyone forgot the {app} deadline comes back around in April.
        Anyone tracking the April 5 deadline? Any news?
    """),
    Block("after", "ban_politics", "negative", """
        We're just going to do this whole ban panic again in April, aren't we?
        Nobody in charge seems to have a plan for April. Same chaos, new date.
    """),
    Block("after", "ban_politics", "positive", """
        Nice that things have calmed down. The app works, I'm still posting.
        Honestly I've stopped worrying about the ban. If a deal happens, great.
    """),
    Block("after", "migration", "neutral", """
        Still have {cn_app} installed but I barely open it anymore.
        Checked {cn_app} for the first time in weeks. Still a lot of English posts.
    """, OUTSIDE),
    Block("after", "migration", "positive", """
        The {cn_app} friends I made in January are still my favorite corner of the internet.
        Still chatting with my language partner from {city_cn}. Best thing to come out of the ban.
    """, OUTSIDE),
    Block("stores_back", "ban_politics", "neutral", """
        {app} is back in the App Store and Google Play. Took almost a month.
        Apple and Google put {app} back in the stores. Guess they got the assurances they wanted.
    """),
    Block("stores_back", "ban_politics", "positive", """
        My little sister can finally download {app} again on her new phone. Back in the App Store!
    """),
    Block("spring_festival", "cultural_exchange", "positive", """
        Happy Lunar New Year to all my new friends from {cn_app}! 🐍🧧
        My language partner in {city_cn} sent me photos of their New Year's Eve dumplings. So sweet.
        Learned to say 新年快乐 for Lunar New Year thanks to {cn_app}.
    """),
    Block("super_bowl", "other", "neutral", """
        Super Bowl party snacks are the only part of the game I really care about.
        Who are we rooting for on Sunday? I'm only here for the halftime show.
    """),
    # ------------------------------------------------------------ RedNote, first person, English
    Block("since_exodus", "migration", "positive", """
        Hi from {us_state}! TikTok refugee here 👋
        My first post on RedNote. Be nice, I can't read anything yet 😅
        TikTok refugee checking in. What's the etiquette here? I want to be a good guest.
        Just got here from TikTok. Everyone is so welcoming, thank you!
        New here! Came from TikTok, staying for the food posts.
        Day {n} on RedNote and I already like it more than I expected.
        Thank you for letting us crash your app 🙏 We'll behave.
    """, ("rednote",)),
    Block("since_exodus", "migration", "neutral", """
        Hi everyone, TikTok refugee from {city_us}. How do I change the language to English?
        New here. Is it normal that everything is in Chinese or did I do something wrong?
        Does anyone know how to find English-speaking posts here?
        Came over from TikTok. Still figuring out how this app works.
    """, ("rednote",)),
    Block("since_exodus", "migration", "negative", """
        I can't figure out how to post videos on here and the translate button doesn't work for me.
        Not sure I'm staying, I miss my TikTok feed already.
    """, ("rednote",)),
    Block("since_exodus", "cultural_exchange", "positive", """
        Here's my cat tax 🐱 His name is {pet_name} and he is very spoiled.
        Cat tax paid! This is my {pet}, she says hello to everyone in {city_cn}.
        Can someone teach me how to say 'nice to meet you' in Chinese?
        I'm from {city_us}. Happy to answer questions about life in the US!
        Someone from {city_cn} showed me how to cook {food_cn} and I'm making it tonight.
        Thank you for helping me with my Chinese! 谢谢!
        I love how everyone here is sharing their daily life. Hello from {us_state}!
        American here. What's a typical weekday dinner for you? Mine is {food_us}.
        Trying to learn Chinese so I can actually talk to you all. Wish me luck!
        You guys are so kind. I posted once and got 300 welcome comments.
        Here's what my grocery run in {city_us} costs. Show me yours!
        My {pet} would like to formally apply for residency here.
    """, ("rednote",)),
    Block("since_exodus", "cultural_exchange", "neutral", """
        How much is rent in {city_cn}? Mine in {city_us} is about $1,800 for a one bedroom.
        Question for Chinese users: how does health insurance work there?
        What do people in {city_cn} do on weekends?
        Is it true that delivery in China only takes 30 minutes for everything?
        In {us_state} a dozen eggs costs like $6 right now. What about there?
    """, ("rednote",)),
    Block("since_exodus", "cultural_exchange", "negative", """
        I'm sorry for the rude Americans in the comments, most of us are not like that.
        Comparing my {pay} bill to yours is making me want to cry.
    """, ("rednote",)),
    Block("since_exodus", "security_privacy", "positive", """
        Hello to my new Chinese spy 👋 please recommend me good noodles.
        Apparently I'm being spied on either way, so I'll pick the app with the cats.
    """, ("rednote",)),
    # ------------------------------------------------------------ TikTok captions and comments
    Block("ruling", "migration", "negative", """
        POV: you're watching your last TikTok before the ban 😭
        If this is my last video here, thank you for everything.
        Saying goodbye to my FYP like it's a long-distance relationship.
        Me spending my last 48 hours on this app like it's the last day of summer camp.
    """, ("tiktok",)),
    Block("back", "ban_politics", "positive", """
        POV: it's Sunday afternoon and the app is back 😭🙏
        Who else cried a little when the app loaded again?
        Refreshed 40 times and it finally loaded. WE'RE BACK.
        Welcome home everyone. Didn't realize how much I'd miss this place.
    """, ("tiktok",)),
    Block("since_exodus", "migration", "neutral", """
        Day {n} of documenting my RedNote era as a TikTok refugee.
        Storytime: how I ended up on RedNote at 2am.
    """, ("tiktok",)),
    Block("since_back", "other", "positive", """
        The comment section is healing 🫶
        Back to your regularly scheduled programming.
    """, ("tiktok",)),
    # ------------------------------------------------------------ YouTube comments
    Block("since_back", "ban_politics", "neutral", """
        Who else is watching this after TikTok came back?
        Watching this again after the ruling. Aged interestingly.
    """, ("youtube",)),
    Block("any", "ban_politics", "positive", """
        Great breakdown, finally someone explained the law clearly.
        This is the most balanced video I've seen on the ban.
    """, ("youtube",)),
    Block("any", "ban_politics", "negative", """
        The comments are smarter than the people who wrote this law.
        Nobody in this video actually uses the app, you can tell.
    """, ("youtube",)),
    Block("any", "migration", "neutral", """
        Came here from TikTok lol.
        Shorts is about to get flooded with reposted TikToks.
    """, ("youtube",)),
    # ------------------------------------------------------------ Mastodon and Bluesky
    Block("any", "migration", "positive", """
        Reminder that the fediverse can't be banned like this, because nobody owns it.
        Another good reason to build on open protocols instead of someone else's platform.
        Welcome to everyone arriving from TikTok. Pick a server, follow hashtags, say hi.
    """, ("mastodon",)),
    Block("any", "free_speech", "neutral", """
        The TikTok case is a good example of why protocol ownership matters more than app ownership.
    """, ("mastodon", "bluesky")),
    Block("any", "migration", "positive", """
        Welcome to everyone coming from TikTok! Custom feeds are the closest thing to a For You page here.
        Bluesky could really use a video feed for all the TikTok folks.
    """, ("bluesky",)),
)

# --------------------------------------------------------------------------- Chinese sentences

ZH: tuple[Block, ...] = (
    Block("any", "ban_politics", "neutral", """
        美国要禁TikTok的事，大家怎么看？
        一直听说美国要禁TikTok，到底会不会真的关啊
        想问下美国那边的法律是怎么规定的，是必须卖掉还是直接禁？
        看新闻说这个案子要到最高法院了，蹲一个结果
    """),
    Block("any", "ban_politics", "negative", """
        一个App而已，至于吗，美国政客真的有点离谱
        说到底还是政治问题，苦的是普通用户
        禁来禁去，最后受伤的都是普通人和小商家
    """),
    Block("any", "ban_politics", "positive", """
        不管结果怎么样，至少美国网友因此认识了我们，挺好的
        希望最后能有个好结果，大家都能继续刷视频
    """),
    Block("pre", "ban_politics", "neutral", """
        美国最高法院1月10号要听TikTok的案子了，有没有懂法律的科普一下
        离1月19号没几天了，TikTok到底会怎么样
    """),
    Block("ruling", "ban_politics", "negative", """
        看新闻说美国最高法院维持了TikTok禁令，真的要关了吗
        九比零……美国网友今晚应该挺难过的吧
    """),
    Block("dark", "ban_politics", "neutral", """
        听说TikTok在美国已经打不开了，美国朋友们还好吗
        美国那边TikTok停服了？难怪首页这么多新面孔
    """),
    Block("back", "ban_politics", "positive", """
        TikTok又恢复了，美国网友会回去吗？还挺舍不得的
        TikTok恢复了！不过希望大家常回来看看呀
    """),
    Block("order", "ban_politics", "neutral", """
        特朗普签了行政令推迟75天，这事还没完吧
        又延期了75天，感觉还有得吵
    """),
    Block("any", "security_privacy", "positive", """
        我不是间谍，我只是想看你家的猫😂
        听说每个美国人都有一个“中国间谍”，那我来认领一下，你好呀👋
        美国网友说我们是他们的“中国间谍”，笑死，我只想给你推荐火锅
    """),
    Block("any", "security_privacy", "neutral", """
        美国网友问我们是不是被监控，这个问题好难用英语解释
        说到数据安全，其实哪个App都在收集数据吧
    """),
    Block("any", "security_privacy", "negative", """
        天天说数据安全，结果禁的只是一个App，有点双标
        老说我们偷数据，真的有点无语
    """),
    Block("any", "free_speech", "neutral", """
        美国人说言论自由，那禁一个App算不算？评论区吵起来了
        外国朋友好像很在意审核的问题，发帖要注意社区规范哦
    """),
    Block("any", "free_speech", "negative", """
        有些帖子被限流了，美国网友问为什么，我也解释不清楚
    """),
    Block("since_exodus", "migration", "positive", """
        欢迎TikTok难民！这里美食和猫猫都很多，放心住下🏠
        TikTok难民来了，咱们小红书要热情一点啊
        美国网友说来这里是因为TikTok要被禁了，欢迎欢迎🎉
        一觉醒来首页全是外国朋友，好有意思
        欢迎来到小红书！有什么不懂的尽管问
        没想到小红书有一天会成为国际交流平台哈哈哈
    """),
    Block("since_exodus", "migration", "neutral", """
        小红书登上美国App Store第一了？这波流量谁也没想到
        听说美国那边好多人在下载小红书，服务器顶得住吗
        小红书是不是要出翻译功能了？好多英文帖子看不懂
        刷到好多自称“TikTok refugee”的，这是什么梗
    """),
    Block("since_exodus", "migration", "negative", """
        美国人都来了，我的首页彻底变天了😂
        一夜之间首页全是英文，我还以为我下错软件了
        推荐算法乱了，我的{zh_hobby}笔记都刷不到了，有点烦
    """),
    Block("since_exodus", "cultural_exchange", "positive", """
        欢迎美国朋友！猫税奉上🐱
        第一次和美国网友聊天，他们问我{zh_food}是什么味道，我尽力解释了哈哈
        评论区太好玩了，美国网友在帮我改英语作文，我在教他们说“{zh_phrase}”
        有没有美国朋友想学中文？我教你中文，你教我英语，互相学习～
        刚刚有个{zh_state}的网友给我看了他家的狗，太可爱了吧
        原来美国人也会为了房租发愁，全世界打工人都一样😂
        看到美国网友晒工资单和账单，突然觉得大家都不容易
        这几天小红书好热闹，感觉像在开国际交流会
        教美国网友说“{zh_phrase}”，他发音居然挺标准的！
        {zh_city}欢迎你！有机会一定来吃{zh_food}
        给美国朋友们交猫税了，我家{zh_catname}向大家问好
        美国网友问我中国年轻人周末干嘛，我说：躺平和吃{zh_food}
        帮美国网友做了一道数学题，他说我是天才，笑死
        跟美国网友聊了一晚上，发现大家喜欢的东西其实都差不多
        美国姐妹教我做了她们那边的早餐，明天试试
        我家{zh_catname}今天营业了，专门给美国朋友看的🐱
        美国朋友说{zh_food}看起来好好吃，欢迎来{zh_city}我请客！
        真的好喜欢这种纯粹的交流，没有什么偏见
    """),
    Block("since_exodus", "cultural_exchange", "neutral", """
        想问一下，美国那边的医保到底是怎么算的？评论区看晕了
        第一次用英语回复评论，有语法错误请见谅
        对比了一下{zh_city}和美国的房租，差别还挺大的
        美国网友问我一个月工资多少，这个问题怎么回答比较好
        有人整理了中美物价对比，{zh_pay}那块差距好大
        美国网友问为什么我们外卖这么便宜，我也说不清楚
    """),
    Block("since_exodus", "cultural_exchange", "negative", """
        有些评论真的太没礼貌了，大家文明冲浪好吗
        别在评论区吵架了，好好交流不行吗
        说实话有点担心，这么多外国人进来，审核会不会更严
        看到有人在评论区骂人，真的很扫兴
    """),
    Block("any", "creators_business", "neutral", """
        想问问美国的博主，TikTok真的能养活自己吗？
        做跨境电商的朋友最近应该很忙吧
    """),
    Block("since_exodus", "creators_business", "neutral", """
        好多美国小商家来小红书找新客户，不知道能不能卖过来
    """),
    Block("any", "creators_business", "negative", """
        美国博主说收入一下子没了一半，听着挺心酸的
        做TikTok带货的朋友这几天愁死了
    """),
    Block("since_exodus", "creators_business", "positive", """
        有美国博主说在小红书接到第一个合作了，替她开心
        感觉这波是小红书出海的好机会
    """),
    Block("any", "ownership_deal", "neutral", """
        {zh_buyer}要买TikTok？这个瓜有点大
        字节跳动会卖吗？我觉得不太可能
        听说好多人想买TikTok美国业务，最后会是谁呢
    """),
    Block("any", "ownership_deal", "negative", """
        逼着人家卖公司，这也太霸道了吧
    """),
    Block("any", "other", "neutral", """
        今天{zh_city}下雪了，冷死了❄️
        周末去吃了{zh_food}，人均不到一百，太值了
        打工人周一综合症又犯了
        有没有好看的剧推荐，最近剧荒
    """),
    Block("any", "other", "positive", """
        今天的晚霞好美，随手拍一张
        终于放假了！开心到飞起
        自己在家做了{zh_food}，居然成功了
    """),
    Block("any", "other", "negative", """
        加班到十点，累死了
        今天地铁挤到怀疑人生
    """),
    Block("spring_festival", "other", "positive", """
        蛇年快乐！🐍 祝大家新年发财，万事如意
        除夕夜吃饺子啦，美国朋友们知道春节吗？
        给美国朋友科普一下春节：放假、回家、吃、发红包🧧
    """),
    Block("before_exodus", "other", "neutral", """
        年货准备好了吗？还有几周就过年了
        元旦假期结束了，又要上班了
    """),
)

MIXED: tuple[Block, ...] = (
    Block("since_exodus", "cultural_exchange", "positive", """
        Hello from {city_cn}! 我在学英语，can we be friends?
        Cat tax paid 🐱 我家猫叫{zh_catname}, she says hi
        家人们，the Americans are here 哈哈哈哈
        My English is not good, 但是很高兴认识大家！
        Hi from {us_state}! 我在学中文，请多多关照 🙏
        第一次发英文笔记，hope you like {city_cn}!
        美国朋友们 please try {zh_food}, 真的超好吃
        Anyone want to practice English with me? 我可以教你中文
        Thank you for the warm welcome 谢谢大家！I love this app
        我是{zh_city}人, ask me anything about China!
        今天学会了一个新词: cat tax 😂
        Just paid my 猫税 🐈 hope that's how it works lol
        American here, 你好！What should I eat first when I visit {city_cn}?
        So the 美国网友 are comparing rent now 哈哈, in {city_cn} my rent is about {zh_rent}
        交个朋友吧 let's be friends 🤝
        我的英文名是{en_name}, nice to meet you all!
        Welcome to 小红书! 这里的人都很nice
        刚刚有个American问我{zh_food}怎么做, 我直接发了菜谱
        你好 from {city_us}! 我会说一点点中文
        哈哈哈 your {pet} is so cute, 我的猫也是这样
    """),
    Block("since_exodus", "cultural_exchange", "neutral", """
        想问问American friends, how much is your {pay}? 我们这边{zh_pay}大概……
        Question: 美国人真的每天都喝冰水吗？
        English corner 英语角 every night, 有兴趣的来
        Can someone explain 美国的医保 to me? 真的看不懂
    """),
    Block("since_exodus", "cultural_exchange", "negative", """
        Please 不要在评论区吵架, be nice 🙏
        有些comments真的太rude了, 大家友好一点
    """),
    Block("since_exodus", "migration", "positive", """
        Welcome TikTok refugees! 欢迎欢迎 🎉
        TikTok要被ban了, so here I am 🙋
        欢迎新朋友 welcome to RedNote! 有问题随时问
        一夜之间 everyone is here 哈哈哈 welcome
    """),
    Block("since_exodus", "migration", "neutral", """
        怎么切换语言? How do I change the language to English?
        小红书 is number one on the App Store? 真的假的
        So many TikTok refugees 这两天 on my homepage
    """),
    Block("since_exodus", "migration", "negative", """
        Too many ads now 广告太多了
        首页全是English posts, 我的推荐全乱了 😂
    """),
    Block("any", "ban_politics", "neutral", """
        美国最高法院 upheld the ban? 那TikTok真的要关了吗
        TikTok到底会不会被ban? anyone knows?
    """),
    Block("ruling", "ban_politics", "negative", """
        TikTok 要被关了 so sad 😭 美国朋友们加油
    """),
    Block("since_back", "ban_politics", "positive", """
        TikTok is back! 美国网友还会留下吗？
        TikTok恢复了 but please don't forget us 哈哈
    """),
    Block("any", "security_privacy", "positive", """
        I'm your Chinese spy 哈哈哈 just kidding 😂
        我不是spy, I just like your cat 🐱
    """),
    Block("any", "ownership_deal", "neutral", """
        {zh_buyer} wants to buy TikTok? 这个瓜有点大
    """),
    Block("any", "creators_business", "neutral", """
        美国的creator们 how do you make money on TikTok? 想了解一下
    """),
    Block("spring_festival", "other", "positive", """
        Happy Chinese New Year! 新年快乐 🧧
        蛇年快乐 Happy Year of the Snake 🐍
    """),
    Block("any", "other", "neutral", """
        今天的OOTD, simple but comfy
        Weekend vibe 周末就是要躺平
    """),
)

# --------------------------------------------------------------------------- titles

REDDIT_TITLES: tuple[Block, ...] = (
    Block("any", "ban_politics", "*", """
        Can someone ELI5 the TikTok law?
        Why is Congress so focused on TikTok?
        What actually happens if the ban goes through?
        The TikTok ban is a bad precedent and here's why
        Serious question about how the TikTok ban is enforced
        Honest discussion: is the TikTok ban justified?
        Does the ban cover the website or just the app stores?
        Unpopular opinion: the TikTok law is reasonable
    """),
    Block("pre", "ban_politics", "*", """
        Supreme Court hears the TikTok case on Jan 10. Predictions?
        Trump asks SCOTUS to pause the TikTok deadline
    """),
    Block("hearing", "ban_politics", "*", """
        Takeaways from the TikTok oral arguments
        Justices seem skeptical of TikTok's free speech argument
    """),
    Block("ruling", "ban_politics", "*", """
        Supreme Court upholds TikTok ban 9-0
        So what happens Sunday at midnight?
        The TikTok ruling, explained as simply as possible
    """),
    Block("dark", "ban_politics", "*", """
        TikTok is officially down in the US
        TikTok went dark last night. How are we feeling?
        Screenshot of the TikTok shutdown message
    """),
    Block("back", "ban_politics", "*", """
        TikTok is back online after about 12 hours
        TikTok restored service and thanked Trump. Thoughts?
        Was the TikTok blackout a PR stunt?
    """),
    Block("order", "ban_politics", "*", """
        Trump signs executive order delaying TikTok ban by 75 days
        Can an executive order override a law the Supreme Court upheld?
    """),
    Block("after", "ban_politics", "*", """
        Where are we with the TikTok deadline in April?
        Anyone else forget the TikTok ban is still technically a thing?
    """),
    Block("any", "security_privacy", "*", """
        What data does TikTok actually collect compared to Instagram?
        Is the TikTok national security argument overblown?
        Privacy is the real issue and nobody is talking about it
        We need a federal data privacy law, not app bans
    """),
    Block("any", "free_speech", "*", """
        Is the TikTok ban a First Amendment violation?
        The free speech argument against the TikTok law
        Legal discussion: speech vs. foreign ownership in the TikTok case
    """),
    Block("any", "migration", "*", """
        Where is everyone going after TikTok?
        Best TikTok alternatives?
        How to download all your TikTok data before the ban
        Anyone actually like Lemon8?
    """),
    Block("since_exodus", "migration", "*", """
        Why is everyone moving to RedNote?
        RedNote / Xiaohongshu is #1 on the App Store
        I tried RedNote for a day as a TikTok refugee. AMA
        Guide for TikTok refugees joining Xiaohongshu
        Is RedNote going to be banned next?
    """),
    Block("since_exodus", "cultural_exchange", "*", """
        The American/Chinese user exchange on RedNote is fascinating
        RedNote cat tax appreciation thread
        Things I learned talking to Chinese users on Xiaohongshu
        Cost of living comparisons on RedNote are wild
        Chinese users are helping Americans with homework on RedNote
    """),
    Block("any", "creators_business", "*", """
        Small business owners on TikTok Shop: what's your plan?
        My business depends on TikTok. What should I do?
        Advice for moving an audience off TikTok
        Marketing people: how are you handling the TikTok uncertainty?
    """),
    Block("any", "ownership_deal", "*", """
        Who could realistically buy TikTok US?
        Would ByteDance ever sell TikTok?
        The TikTok sale is really about the algorithm
    """),
    Block("musk_report", "ownership_deal", "*", """
        Report: China weighing sale of TikTok US to Elon Musk
        TikTok calls Musk sale report 'pure fiction'
    """),
    Block("since_order", "ownership_deal", "*", """
        Trump wants a 50% US stake in TikTok. How would that work?
        Microsoft in talks to buy TikTok? Here we go again
        Oracle, Microsoft, MrBeast: the TikTok buyer list keeps growing
    """),
    Block("any", "other", "*", """
        What's something small that made your week better?
        What are you cooking this weekend?
        Book recommendations for a long winter?
        Anyone else struggling to get back into routine after the holidays?
    """),
)

REDNOTE_TITLES: dict[str, tuple[Block, ...]] = {
    "zh": (
        Block("since_exodus", "*", "*", """
            欢迎美国朋友🎉
            TikTok难民报到处
            来交猫税了🐱
            {zh_city}人在线等美国朋友
            中美网友大型交流现场
            美国网友问我工资多少…
            第一次用英语发笔记
            一觉醒来首页全是外国人
            教美国朋友说中文 Day{n}
            {zh_food}安利给美国朋友
            美国的房租也太贵了吧
            小红书变成国际版了
            中美物价对比，看完沉默了
        """),
        Block("any", "*", "*", """
            关于TikTok禁令的一点想法
            美国TikTok要没了？
            {zh_buyer}要买TikTok？
            今日份碎碎念
        """),
        Block("since_back", "*", "*", """
            TikTok恢复了，美国朋友们还会回去吗
            舍不得美国朋友们
        """),
        Block("spring_festival", "*", "*", """
            给美国朋友科普春节🧧
            蛇年快乐🐍
        """),
    ),
    "en": (
        Block("since_exodus", "*", "*", """
            Hi from {us_state} 👋
            TikTok refugee checking in
            Cat tax 🐱
            My first RedNote post!
            Help me learn Chinese pls
            Grocery prices in {city_us}
            What do you eat for breakfast?
            Thank you for the welcome ❤️
            Day {n} on RedNote
            Be nice, I'm new here
            Rent in {city_us} vs {city_cn}
            Say hi to my {pet}
        """),
        Block("spring_festival", "*", "*", """
            Happy Lunar New Year 🐍
        """),
    ),
    "mixed": (
        Block("since_exodus", "*", "*", """
            Hello 你好 from {us_state}!
            猫税 Cat tax 🐱
            English corner 英语角
            Language exchange 语言交换
            Welcome 欢迎 🎉
            {zh_city} says hi 👋
            Let's be friends 交个朋友
        """),
        Block("any", "*", "*", """
            TikTok ban? 美国朋友们怎么看
        """),
    ),
}

# --------------------------------------------------------------------------- news

NEWS_HEADLINES: tuple[Block, ...] = (
    Block("pre", "ban_politics", "*", """
        Supreme Court to hear TikTok challenge on Jan. 10
        TikTok's fate rests with the Supreme Court as deadline nears
        Trump asks Supreme Court to pause TikTok ban deadline
        What to know before the Supreme Court hears the TikTok case
        Creators and TikTok file final briefs ahead of high court arguments
    """),
    Block("hearing", "ban_politics", "*", """
        Justices signal they may uphold TikTok law
        Supreme Court weighs national security against speech in TikTok case
        Takeaways from the Supreme Court's TikTok arguments
        TikTok users brace as ruling looms after high court hearing
    """),
    Block("exodus", "migration", "*", """
        Xiaohongshu, known as RedNote, tops US App Store as TikTok users look elsewhere
        'TikTok refugees' flock to Chinese app RedNote ahead of ban
        Lemon8 and RedNote surge in app rankings as TikTok deadline approaches
        Why Americans are joining a Chinese app to protest a ban on a Chinese app
    """),
    Block("exodus", "cultural_exchange", "*", """
        On RedNote, American and Chinese users trade cat photos and cost-of-living notes
        An unexpected cultural exchange unfolds on Xiaohongshu
    """),
    Block("musk_report", "ownership_deal", "*", """
        Report: Chinese officials weigh sale of TikTok US to Elon Musk
        TikTok dismisses report of possible sale to Musk as 'pure fiction'
        Could Elon Musk end up owning TikTok? What we know
    """),
    Block("ruling", "ban_politics", "*", """
        Supreme Court upholds law that could ban TikTok
        High court unanimously backs TikTok divest-or-ban law
        TikTok says it will go dark Sunday without assurances from Biden administration
        White House says TikTok ban enforcement is up to next administration
        What the Supreme Court's TikTok ruling means for users
    """),
    Block("ruling", "creators_business", "*", """
        Creators and small businesses scramble after TikTok ruling
        Advertisers pause TikTok spending as shutdown looms
    """),
    Block("dark", "ban_politics", "*", """
        TikTok goes dark in the US hours before ban takes effect
        TikTok disappears from Apple and Google app stores
        TikTok users greeted by shutdown notice as ban takes hold
        Trump says he will issue order to delay TikTok ban
    """),
    Block("back", "ban_politics", "*", """
        TikTok restores service in the US after Trump pledge
        TikTok is back online, thanking Trump for 'clarity'
        TikTok's brief blackout ends, but legal questions remain
        Trump floats 50% US ownership stake in TikTok
    """),
    Block("order", "ban_politics", "*", """
        Trump signs order delaying TikTok ban by 75 days
        Trump's TikTok order sets up new April deadline
        Legal experts question executive order pausing TikTok law
        TikTok still missing from app stores despite Trump's order
    """),
    Block("since_order", "ownership_deal", "*", """
        Potential TikTok buyers line up as 75-day window ticks down
        Trump says he would like Oracle's Larry Ellison to buy TikTok
        Microsoft in talks to acquire TikTok, Trump says
        Trump says sovereign wealth fund could buy TikTok
        Perplexity, MrBeast-backed group among bidders for TikTok
    """),
    Block("after", "migration", "*", """
        RedNote's American moment fades as TikTok stays online
        What happened to the TikTok refugees on RedNote?
    """),
    Block("after", "ban_politics", "*", """
        TikTok's future remains uncertain ahead of April deadline
        Lawmakers press for clarity on TikTok enforcement
    """),
    Block("stores_back", "ban_politics", "*", """
        TikTok returns to Apple and Google app stores in the US
        TikTok back in app stores nearly a month after removal
    """),
    Block("any", "security_privacy", "*", """
        Explainer: the national security case against TikTok
        Data privacy experts say a TikTok ban won't fix the bigger problem
        What data does TikTok collect, and where does it go?
    """),
    Block("any", "free_speech", "*", """
        Free speech groups warn TikTok law sets a dangerous precedent
        How the First Amendment figures in the TikTok fight
    """),
    Block("any", "creators_business", "*", """
        What the TikTok fight means for small businesses
        TikTok Shop sellers weigh their options
        Brands hedge their bets as TikTok's future stays murky
    """),
)

NEWS_SUMMARIES: tuple[Block, ...] = (
    Block("any", "ban_politics", "*", """
        The law, signed in April 2024, requires ByteDance to sell TikTok's US operations or face a ban.
        TikTok says about 170 million Americans use the app every month.
        The law passed Congress with broad bipartisan support as part of a foreign aid package.
        Under the law, app stores and hosting providers face penalties for distributing TikTok.
        The case is TikTok v. Garland.
        Lawmakers from both parties have said the app poses a national security risk.
        TikTok has denied that it shares US user data with the Chinese government.
    """),
    Block("pre", "ban_politics", "*", """
        The justices agreed to an expedited schedule, with arguments set for Jan. 10.
        President-elect Trump asked the court to pause the Jan. 19 deadline to give him time to negotiate.
        The deadline falls one day before the presidential inauguration.
    """),
    Block("hearing", "ban_politics", "*", """
        Several justices appeared skeptical of TikTok's argument that the law violates the First Amendment.
        Questions from the bench focused on foreign control of the app rather than its content.
        A ruling could come within days, ahead of the Jan. 19 deadline.
    """),
    Block("exodus", "migration", "*", """
        Xiaohongshu, known in English as RedNote, climbed to the top of Apple's US App Store this week.
        Many new users described themselves as 'TikTok refugees' in their first posts.
        Lemon8, also owned by ByteDance, rose in the rankings as well.
        Chinese users greeted the newcomers with welcome messages and requests for pet photos.
    """),
    Block("musk_report", "ownership_deal", "*", """
        The report said Chinese officials had discussed a possible sale of TikTok's US business to Elon Musk.
        TikTok called the report 'pure fiction.'
        ByteDance has long said it does not intend to sell the app.
        Any sale of the recommendation algorithm would likely need approval under Chinese export rules.
    """),
    Block("ruling", "ban_politics", "*", """
        The court ruled unanimously in an unsigned opinion that the law does not violate the First Amendment.
        The ruling leaves the Jan. 19 deadline in place.
        The Biden administration said it would leave enforcement to the incoming administration.
        TikTok said it would be forced to go dark unless it received clear assurances.
    """),
    Block("dark", "ban_politics", "*", """
        US users opening the app late Saturday saw a message saying the service was unavailable.
        The app was also removed from the Apple and Google app stores.
        The shutdown notice said the company was working with President-elect Trump on a solution.
        Other ByteDance apps, including CapCut and Lemon8, also stopped working.
    """),
    Block("back", "ban_politics", "*", """
        Service began returning Sunday after Trump said he would issue an order delaying enforcement.
        The app displayed a message thanking Trump for providing clarity to service providers.
        The outage lasted roughly 12 hours.
        Trump said he would like the US to have a 50% ownership stake in a joint venture.
    """),
    Block("since_order", "ban_politics", "*", """
        The executive order directs the Justice Department not to enforce the law for 75 days.
        The order sets up a new deadline in early April.
        Legal experts said the order does not change the law itself.
        Apple and Google have kept the app out of their stores despite the order.
    """),
    Block("since_order", "ownership_deal", "*", """
        Several investor groups have expressed interest in buying TikTok's US operations.
        Trump said he would be open to Larry Ellison buying the app.
        Trump said Microsoft was among the companies in talks.
        ByteDance has not said publicly whether it would sell.
    """),
    Block("after", "migration", "*", """
        Downloads of RedNote have fallen from their January peak.
        Some users who joined RedNote in January said they still use both apps.
    """),
    Block("stores_back", "ban_politics", "*", """
        Apple and Google restored TikTok to their US app stores on Thursday.
        The return came after the Justice Department gave the companies assurances.
    """),
    Block("any", "security_privacy", "*", """
        US officials have warned that China could use the app to collect data or shape what Americans see.
        Much of the government's evidence was filed under seal.
        Privacy advocates say data brokers sell similar information legally.
        TikTok says US user data is stored on Oracle servers under its Project Texas plan.
    """),
    Block("any", "free_speech", "*", """
        Civil liberties groups argued that the law restricts Americans' ability to speak and listen.
        The government argued that the law targets foreign control, not speech.
    """),
    Block("any", "creators_business", "*", """
        Many small businesses rely on TikTok Shop for a large share of their sales.
        Marketers said brands were shifting budgets to Instagram Reels and YouTube Shorts.
        Creators told reporters they were directing followers to other platforms.
    """),
    Block("any", "migration", "*", """
        Alternatives such as Instagram Reels and YouTube Shorts have courted TikTok creators.
    """),
    Block("any", "cultural_exchange", "*", """
        Users on both sides compared rent, grocery prices and health care costs.
        Some language teachers reported a spike in interest in Mandarin lessons.
    """),
)

NEWS_OUTLETS: tuple[tuple[str, str], ...] = (
    ("Example News", "news.example.com"),
    ("The Daily Ledger", "dailyledger.example.com"),
    ("Metro Tribune", "metrotribune.example.com"),
    ("Capitol Wire", "capitolwire.example.org"),
    ("TechBeat", "techbeat.example.net"),
    ("Pacific Observer", "pacificobserver.example.com"),
    ("Global Business Journal", "gbj.example.com"),
    ("The Midwest Courier", "midwestcourier.example.com"),
    ("Asia Pacific Report", "apreport.example.org"),
    ("Courts & Law Review", "courtslaw.example.org"),
    ("Consumer Tech Weekly", "ctweekly.example.net"),
    ("Evening Standard Post", "eveningpost.example.com"),
)

# --------------------------------------------------------------------------- decorations

OPENERS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "negative": ("Ugh.", "Welp.", "Honestly?", "Real talk:", "Man.", "Not gonna lie", "Yikes.", "So.",
                     "ngl", "I'm sorry but", "Okay I'm annoyed.", "Y'all."),
        "neutral": ("Okay so", "PSA:", "Update:", "Quick thought:", "Hmm.", "So", "FYI", "Random thought:",
                    "Reminder:", "Okay."),
        "positive": ("Honestly", "Not gonna lie", "lol", "Okay", "Y'all.", "Wow.", "Okay but", "Lmao",
                     "Guys.", "Ngl"),
    },
    "zh": {
        "negative": ("唉，", "无语，", "说实话，", "服了，"),
        "neutral": ("话说，", "说真的，", "emmm，", "那个，"),
        "positive": ("哈哈哈，", "家人们，", "姐妹们，", "救命，", "啊啊啊，"),
    },
}

CLOSERS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "negative": ("Unreal.", "So tired of this.", "What a mess.", "Make it make sense.", "I hate it here.",
                     "Sigh.", "Unbelievable.", "This sucks.", "Ridiculous."),
        "neutral": ("We'll see.", "Thoughts?", "Anyone know?", "Time will tell.", "Just wondering.",
                    "Curious what people think.", "Will update.", "Interesting times."),
        "positive": ("Love this.", "Wholesome.", "We love to see it.", "Made my day.", "So cool.",
                     "Love that for us.", "Honestly amazing.", "My heart.", "More of this please."),
    },
    "zh": {
        "negative": ("无语了", "唉", "服了", "真的会谢"),
        "neutral": ("求解答", "有人知道吗", "蹲一个后续", "坐等后续"),
        "positive": ("哈哈哈哈", "太可爱了", "爱了爱了", "互关一下～", "谁懂啊", "好温暖", "冲鸭"),
    },
}

REPLY_OPENERS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "negative": ("Hard disagree.", "No.", "Respectfully, no.", "Be serious.", "This is a bad take.",
                     "Nah.", "That's not how any of this works.", "Come on."),
        "neutral": ("Wait,", "Hm.", "Source?", "Not sure about that.", "Fair, but", "Depends.", "Eh,",
                    "Counterpoint:", "Also,"),
        "positive": ("This!", "Exactly.", "So true.", "Same here.", "Love this take.", "100%.", "Yes!!",
                     "lol same", "This is it.", "Agreed."),
    },
    "zh": {
        "negative": ("不同意，", "别吵了，", "这也太离谱了，"),
        "neutral": ("确实，", "话说，", "emmm，", "其实，"),
        "positive": ("哈哈哈哈哈，", "欢迎欢迎！", "太可爱了！", "已关注～", "中文说得真好！", "你好呀👋"),
    },
}

SHORT_REPLIES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "negative": ("this is so sad", "bleak", "i hate this timeline", "not again", "we're cooked"),
        "neutral": ("following", "source?", "wait what", "need an update on this", "bump"),
        "positive": ("lmaooo", "this made my day", "so wholesome", "we're so back", "crying"),
    },
    "zh": {
        "negative": ("唉", "无语", "太难了"),
        "neutral": ("同问", "蹲", "mark一下", "求链接"),
        "positive": ("哈哈哈哈哈哈", "欢迎！", "好可爱", "已关注", "👋👋👋", "可爱捏"),
    },
}

EMOJI: dict[str, tuple[str, ...]] = {
    "negative": ("😭", "💀", "😤", "🙄", "😡", "😞", "💔", "🫠", "😩", "🤡", "😔"),
    "neutral": ("🤔", "👀", "📱", "🤷", "📌", "🧐", "⏳", "🫤"),
    "positive": ("😂", "🥹", "❤️", "🙏", "😊", "🎉", "🫶", "✨", "🙌", "💕", "🐱", "👋", "🥰"),
}

HASHTAGS: dict[str, tuple[str, ...]] = {
    "ban_politics": ("TikTokBan", "tiktokban", "SCOTUS", "SupremeCourt", "SaveTikTok", "BanTikTok", "tiktok"),
    "security_privacy": ("privacy", "dataprivacy", "CCP", "cybersecurity", "nationalsecurity"),
    "free_speech": ("FirstAmendment", "FreeSpeech", "censorship", "1A"),
    "migration": ("TikTokRefugee", "tiktokrefugee", "rednote", "xiaohongshu", "lemon8", "小红书"),
    "cultural_exchange": ("cattax", "猫税", "rednote", "culturalexchange", "中美交流", "languageexchange"),
    "creators_business": ("smallbusiness", "tiktokshop", "creator", "contentcreator", "smallbiz"),
    "ownership_deal": ("ByteDance", "TikTokDeal", "ElonMusk", "Oracle"),
    "other": ("mood", "coffee", "catsoftiktok", "foodie", "dailylife"),
}

PLATFORM_HASHTAGS: dict[str, tuple[str, ...]] = {
    "tiktok": ("fyp", "foryou", "foryoupage", "viral", "fyp"),
    "mastodon": ("Fediverse", "TikTokBan"),
    "rednote": ("小红书", "TikTok难民", "tiktokrefugee"),
}

HASHTAGS_SINCE: dict[str, str] = {
    "TikTokRefugee": "since_exodus", "tiktokrefugee": "since_exodus", "rednote": "since_exodus",
    "xiaohongshu": "since_exodus", "小红书": "since_exodus", "TikTok难民": "since_exodus",
    "cattax": "since_exodus", "猫税": "since_exodus", "ElonMusk": "since_musk_report",
    "Oracle": "since_order",
}
"""Hashtags that only came into use at some point (the window where they may be used)."""

TYPO_WORDS: dict[str, str] = {
    "you ": "u ",
    "your ": "ur ",
    "because": "bc",
    "really": "rly",
    "people": "ppl",
    "though": "tho",
    "probably": "prob",
    "definitely": "definately",
    "going to": "gonna",
    "want to": "wanna",
    "I don't know": "idk",
    "to be honest": "tbh",
}

# --------------------------------------------------------------------------- names

FIRST_NAMES: tuple[str, ...] = (
    "jess", "mike", "sarah", "josh", "emily", "chris", "ashley", "tyler", "megan", "brandon", "kayla",
    "jordan", "taylor", "alex", "sam", "nina", "maria", "carlos", "jen", "dave", "kevin", "lauren",
    "brittany", "marcus", "jade", "olivia", "ethan", "hannah", "noah", "zoe", "liam", "ava", "mason",
    "ella", "logan", "chloe", "ryan", "grace", "aaron", "lily", "dylan", "maya", "eric", "rachel",
    "tony", "priya", "omar", "leah", "caleb", "destiny", "hunter", "bri", "dee", "kim", "ray", "tasha",
    "wes", "hailey", "jamal", "sofia", "luis", "mia", "ben", "abby", "nate", "katie", "drew", "erin",
)

LAST_NAMES: tuple[str, ...] = (
    "smith", "johnson", "lee", "garcia", "brown", "nguyen", "miller", "davis", "martinez", "wilson",
    "anderson", "thomas", "moore", "jackson", "white", "harris", "clark", "lewis", "walker", "hall",
    "young", "king", "wright", "lopez", "hill", "green", "adams", "baker", "nelson", "carter", "reyes",
    "cooper", "kim", "patel", "chen", "wong", "ortiz", "price", "bell", "ross",
)

ADJECTIVES: tuple[str, ...] = (
    "sleepy", "salty", "cosmic", "tiny", "spicy", "lazy", "quiet", "feral", "chaotic", "cozy", "sunny",
    "moody", "wild", "soft", "lucky", "rusty", "golden", "silly", "brave", "grumpy", "hungry", "loud",
    "velvet", "electric", "midnight", "paper", "frosty", "honest", "curious", "petty",
)

NOUNS: tuple[str, ...] = (
    "potato", "raccoon", "otter", "taco", "noodle", "pancake", "goblin", "cactus", "pickle", "panda",
    "biscuit", "mango", "frog", "possum", "muffin", "dumpling", "toast", "moth", "badger", "cloud",
    "pigeon", "lemon", "waffle", "ghost", "tiger", "bean", "kettle", "comet", "fern", "sparrow",
)

REDDIT_WORDS: tuple[str, ...] = (
    "Ok", "Big", "Own", "Key", "Used", "Tall", "Fun", "Lost", "Warm", "Pure", "Dry", "Odd", "Firm",
    "Tough", "Worth", "Neat", "Far", "Clean", "Sharp", "Main",
)
"""First halves of Reddit's auto-generated ``Word_Noun_1234`` usernames."""

REDDIT_NOUNS: tuple[str, ...] = (
    "Guarantee", "Membership", "Tomato", "Contract", "Sail", "Confection", "Sundae", "Tangerine",
    "Statement", "Department", "Eye", "Ad", "Lecture", "Procedure", "Reference", "Painting", "Chance",
    "Plum", "Scale", "Garage",
)

SUBREDDITS: dict[str, tuple[str, ...]] = {
    "ban_politics": ("politics", "law", "news", "TikTok", "technology", "NoStupidQuestions"),
    "security_privacy": ("privacy", "technology", "cybersecurity", "news"),
    "free_speech": ("law", "politics", "technology", "supremecourt"),
    "migration": ("TikTok", "Xiaohongshu", "RedNote", "socialmedia", "NoStupidQuestions"),
    "cultural_exchange": ("Xiaohongshu", "China", "ChineseLanguage", "RedNote", "MadeMeSmile"),
    "creators_business": ("Entrepreneur", "smallbusiness", "TikTokShop", "marketing", "PartneredYoutube"),
    "ownership_deal": ("technology", "stocks", "wallstreetbets", "news", "business"),
    "other": ("AskReddit", "CasualConversation", "mildlyinfuriating", "Cooking", "books"),
}

MASTODON_INSTANCES: tuple[str, ...] = (
    "mastodon.social", "mastodon.social", "mastodon.social", "mastodon.social", "mas.to", "hachyderm.io",
    "fosstodon.org", "mstdn.social", "techhub.social",
)

ZH_NICK_PARTS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("爱吃", "不吃", "想吃", "会飞的", "睡不醒的", "快乐的", "认真的", "佛系", "暴躁", "今天也要", "努力的",
     "摸鱼的", "社恐", "迷糊", "{zh_city}", "{zh_city}的"),
    ("小鱼干", "橘子", "火锅", "兔兔", "小熊", "奶茶", "咸鱼", "打工人", "猫猫", "小王", "阿杰", "momo",
     "豆包", "芋圆", "团子", "土豆", "西瓜", "小林", "可乐", "啵啵"),
)
"""Xiaohongshu nicknames are often ``<attribute><thing>``, e.g. 爱吃火锅的小熊."""
# fmt: on
